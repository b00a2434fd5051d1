"""Use cases (业务服务): every write runs here in one transaction, through the policy, with its event."""
