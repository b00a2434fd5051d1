"""Search segmentation (检索切分): one function for indexing and for queries, on both databases.

Text is normalised first (traditional → simplified, full-width → half-width, converter damage repaired), so a
query in either script finds text in either script. Then every run of Chinese characters becomes its character
bigrams (张三收受 → 张三 三收 收受) — no dictionary, so names and places nobody listed are found as well as words
— and every run of Latin letters or digits one lower-cased token. A one-character run is kept as one token.
"""

from __future__ import annotations

from sanwang.text.normalize import normalize


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def runs(text: str) -> list[tuple[str, str]]:
    """(kind, run) pairs: kind ``han`` for Chinese characters, ``word`` for letters and digits."""
    out: list[tuple[str, str]] = []
    kind, start = "", 0
    for i, ch in enumerate(text + " "):
        k = "han" if _is_han(ch) else "word" if ch.isalnum() else ""
        if k != kind:
            if kind:
                out.append((kind, text[start:i]))
            kind, start = k, i
    return out


def run_tokens(kind: str, run: str) -> list[str]:
    if kind == "word":
        return [run.lower()]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> str:
    """The space-separated tokens stored for ``text`` (its normalised form)."""
    clean = normalize(text).text
    return " ".join(t for kind, run in runs(clean) for t in run_tokens(kind, run))


def query_terms(query: str) -> list[list[str]]:
    """A query as terms (ANDed), each term the token sequence that must appear consecutively (a phrase)."""
    clean = normalize(query).text
    return [run_tokens(kind, run) for kind, run in runs(clean)]


def normalised_terms(query: str) -> list[str]:
    """The query's runs in normalised form, for highlighting in the normalised text."""
    return [run for _, run in runs(normalize(query).text)]
