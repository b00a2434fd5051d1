"""The clue ledger file format (线索台账格式): the column headers offices exchange, in order."""

from __future__ import annotations

# The import key is the sender's own reference (外部编号); several subjects share one row, joined with 、.
LEDGER_HEADERS: tuple[str, ...] = (
    "外部编号",
    "来源渠道",
    "收到日期",
    "实名",
    "反映人姓名",
    "反映人身份证号",
    "反映人电话",
    "被反映人姓名",
    "被反映人单位",
    "被反映人职务",
    "被反映人身份证号",
    "问题摘要",
    # Optional: the registering clerk's flags (是/否; empty means 否). They feed 其中涉黑涉恶 in the statistics.
    "涉黑涉恶",
    "涉嫌保护伞",
)
