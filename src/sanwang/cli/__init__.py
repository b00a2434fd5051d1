"""The ``sanwang`` command (命令行): parses, calls one service, renders; nothing else."""
