"""Reading and writing ledger files (台账文件): CSV, XLSX and JSON lines with Chinese headers.

Readers yield ``(line_number, {header: text})`` so that every problem can name its line; the line number is
the row as a person sees it in the file (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sanwang.domain.errors import ValidationError

Row = tuple[int, dict[str, str]]
# Key under which a row carries values beyond the header's columns (never silently dropped).
EXTRA_FIELDS = "\x00extra"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decode_text(raw: bytes, source: str) -> str:
    """A file's text, UTF-8 (with or without BOM) or GB18030; refused by name when it is neither."""
    # Offices save CSV from Excel in GB18030 as often as in UTF-8; try both before refusing.
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"文件 {source} 既不是 UTF-8 也不是 GB18030 编码", f"{source} is neither UTF-8 nor GB18030")


def read_rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    """Headers and rows of a ledger file, by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _read_jsonl(path)
    raise ValidationError(
        f"不支持的文件类型 {suffix}，请用 CSV、XLSX 或 JSONL", f"unsupported file type {suffix}; use CSV, XLSX or JSONL"
    )


def _read_csv(path: Path) -> tuple[list[str], Iterator[Row]]:
    text = decode_text(path.read_bytes(), path.name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValidationError("文件为空", "the file is empty", line=1) from None

    def rows() -> Iterator[Row]:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}
            if len(values) > len(headers) and any(v.strip() for v in values[len(headers) :]):
                row[EXTRA_FIELDS] = "、".join(v.strip() for v in values[len(headers) :] if v.strip())
            yield line, row

    return headers, rows()


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[Row]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(f"无法读取 Excel 文件：{exc}", f"cannot read the Excel file: {exc}") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        headers = [_cell(h) for h in next(it)]
    except StopIteration:
        raise ValidationError("工作表为空", "the sheet is empty", line=1) from None

    def rows() -> Iterator[Row]:
        for n, values in enumerate(it, start=2):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
            extra = [c for i, c in enumerate(cells) if c and (i >= len(headers) or not headers[i])]
            if extra:
                row[EXTRA_FIELDS] = "、".join(extra)
            yield n, row
        wb.close()

    return headers, rows()


def _read_jsonl(path: Path) -> tuple[list[str], Iterator[Row]]:
    lines = decode_text(path.read_bytes(), path.name).splitlines()
    parsed: list[Row] = []
    headers: list[str] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"不是有效的 JSON：{exc.msg}", f"not valid JSON: {exc.msg}", line=n) from None
        if not isinstance(obj, dict):
            raise ValidationError("每行须是一个 JSON 对象", "each line must be a JSON object", line=n)
        for k in obj:
            if k not in headers:
                headers.append(k)
        parsed.append((n, {str(k): _cell(v) for k, v in obj.items()}))
    return headers, iter(parsed)


def write_rows(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, watermark: str) -> None:
    """Write a ledger file by extension; every file carries who exported it and when (导出留痕)."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        _write_xlsx(path, headers, rows, watermark)
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows([[_cell(v) for v in r] for r in rows])
            w.writerow([f"# {watermark}"])
    elif suffix in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(dict(zip(headers, [_cell(v) for v in r], strict=True)), ensure_ascii=False) + "\n")
            f.write(json.dumps({"_watermark": watermark}, ensure_ascii=False) + "\n")
    else:
        raise ValidationError(
            f"不支持的导出类型 {suffix}", f"unsupported export type {suffix}; use .xlsx, .csv or .jsonl"
        )


def _write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], watermark: str) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("线索台账")
    ws.append(list(headers))
    for r in rows:
        ws.append([_cell(v) for v in r])
    meta = wb.create_sheet("导出信息")
    meta.append(["导出留痕 / export watermark"])
    meta.append([watermark])
    wb.properties.creator = watermark
    wb.properties.title = "问题线索台账"
    wb.save(path)
