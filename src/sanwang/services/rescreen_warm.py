"""Preloaded by the re-screening fork server (不是给人直接用的): importing it loads the text tables and the triage
model once, so every worker forked from the server starts with them instead of loading its own."""

from sanwang.text.normalize import normalize
from sanwang.text.triage import triage

triage(normalize("預熱：收取保護費").text)
