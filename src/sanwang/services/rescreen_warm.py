"""Warm-up (预热) for the re-screening fork server, which imports this module once: importing it loads the text
tables and the triage model, so every worker forked from the server starts with them instead of loading its own.
Not for other use: importing it costs a model load."""

from sanwang.text.normalize import normalize
from sanwang.text.triage import triage

triage(normalize("預熱：收取保護費").text)
