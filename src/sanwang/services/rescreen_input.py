"""大起底 input (信访件读取): the petitions file (CSV in UTF-8, GB18030 or Big5, XLSX, JSON lines) and the officials
registry, read the same way by the local engine and by Spark — every line decoded on its own, so a file that
changes encoding part-way is refused at that line, and a bad row is named by line in Chinese and English.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sanwang.domain.errors import ValidationError
from sanwang.services.ledgerio import decode_text
from sanwang.text.normalize import normalize

ID_COLUMNS = ("编号", "id", "信访编号", "件号")
TEXT_COLUMNS = ("内容", "text", "信访内容", "反映内容", "问题摘要")


@dataclass(frozen=True)
class Official:
    """An entry of the officials registry (公职人员信息库) as re-screening reads it."""

    name: str
    id_number: str
    unit: str
    position: str


def read_registry(path: Path) -> list[Official]:
    """Officials from a CSV with columns 姓名, 身份证号 (optional), 单位, 职务 (or name, id_number, unit, position).

    Names are normalised as petitions are (traditional → simplified, full-width → half-width, spaces inside a
    name dropped: 張　建國 → 张建国), so a registry typed in either script matches; unit and position are kept
    as the registry gives them."""
    out = []
    for n, row in enumerate(csv.DictReader(decode_text(path.read_bytes(), path.name).splitlines()), start=2):
        name = registry_name(row.get("姓名") or row.get("name") or "")
        if not name:
            raise ValidationError(
                f"公职人员名单第 {n} 行缺少姓名", f"registry line {n}: the name is missing", field="姓名", line=n
            )
        out.append(
            Official(
                name,
                (row.get("身份证号") or row.get("id_number") or "").strip().upper(),
                (row.get("单位") or row.get("unit") or "").strip(),
                (row.get("职务") or row.get("position") or "").strip(),
            )
        )
    return out


def registry_name(raw: str) -> str:
    """A registry name in the form petitions are matched in (see ``read_registry``)."""
    return "".join(normalize(raw).text.split())


def _column(headers: list[str], names: tuple[str, ...], what_zh: str, what: str) -> str:
    for h in headers:
        if h.strip().lower() in names:
            return h
    raise ValidationError(
        f"找不到{what_zh}列（可用：{'、'.join(names)}）", f"no {what} column (one of: {', '.join(names)})", field=what
    )


def read_petitions(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, id, text) of every petition, streamed; a row without id or text is refused by its line."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open("rb") as f:
            for n, raw in enumerate(f, start=1):
                text = decode_line(raw, n, "utf-8-sig" if n == 1 else "utf-8")
                if text.strip():
                    yield json_row(n, text)
        return
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.active.iter_rows(values_only=True) if book.active else iter(())
        headers = [str(h or "") for h in next(rows, ())]
        ic, tc = (headers.index(_column(headers, c, z, e)) for c, z, e in _COLS)
        for n, r in enumerate(rows, start=2):
            if all(c is None or not str(c).strip() for c in r):
                continue  # formatted empty rows after the data, as Excel leaves them
            yield _row(n, "" if r[ic] is None else str(r[ic]), r[tc])
        book.close()
        return
    # Strict: a quote left open would otherwise swallow every following row into one petition, silently.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 27))  # a petition may be far longer than 128 KB
    encoding = sniff_encoding(path)
    with path.open("rb") as fb:
        first = "utf-8-sig" if encoding == "utf-8" else encoding
        lines = (decode_line(raw, k, encoding if k > 1 else first) for k, raw in enumerate(fb, start=1))
        reader = csv.reader(lines, strict=True)
        n = 1
        try:
            headers = next(reader, [])
            ic, tc = (headers.index(_column(headers, c, z, e)) for c, z, e in _COLS)
            for n, r in enumerate(reader, start=2):
                if r:
                    yield _row(n, r[ic] if ic < len(r) else "", r[tc] if tc < len(r) else None)
        except csv.Error as e:
            raise ValidationError(
                f"CSV 格式错误（引号未闭合？），在此记录附近：{e}",
                f"bad CSV near this record (a quote left open?): {e}",
                line=n + 1,
            ) from None


def decode_line(raw: bytes, line: int, encoding: str) -> str:
    """One physical line of a petitions file in the encoding judged on the file's first megabyte. A line in
    another encoding (GB18030 bytes in a UTF-8 file, past the sample) is refused by its line number — decoding it
    anyway would publish mojibake. Both engines read lines through here."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        name = "GB18030" if encoding.startswith("gb") else "UTF-8"
        raise ValidationError(
            f"不是 {name} 编码（文件开头是 {name}；按物理行计）：文件混用了编码，请整份转换为 UTF-8 后重试",
            f"not {name}, as the start of the file is (physical lines counted): the file mixes encodings; "
            "convert it all to UTF-8 and run again",
            field="encoding",
            line=line,
        ) from None


def json_row(n: int, raw: str) -> tuple[int, str, str]:
    """A JSON line as (line, id, text); not JSON, or not an object, is refused by its line (both engines)."""
    try:
        rec = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ValidationError("不是 JSON", f"not JSON: {e.msg}", line=n) from None
    if not isinstance(rec, dict):
        raise ValidationError("不是 JSON 对象", 'not a JSON object {"id": …, "text": …}', line=n)
    pid = rec.get("id")
    return _row(n, "" if pid is None else str(pid), rec.get("text"))


def sniff_encoding(path: Path) -> str:
    """``utf-8`` or ``gb18030``, judged on the first megabyte (the file may be far too big to read whole)."""
    with path.open("rb") as fb:
        try:
            fb.read(1 << 20).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            if e.start < (1 << 20) - 4:  # not just a character cut at the end of the sample
                return "gb18030"
    return "utf-8"


_COLS = ((ID_COLUMNS, "编号", "id"), (TEXT_COLUMNS, "内容", "text"))


def _row(n: int, pid: str, body: Any) -> tuple[int, str, str]:
    if not pid.strip():
        raise ValidationError("缺少编号", "the id is missing", field="编号", line=n)
    if not isinstance(body, str) or not body.strip():
        raise ValidationError("缺少内容", "the text is missing", field="内容", line=n)
    return n, pid.strip(), body
