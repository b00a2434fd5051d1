"""sanwang (伞网): clue ledger, workflow engine and relationship analysis for 打伞破网."""

__version__ = "0.1.0"
