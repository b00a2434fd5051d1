"""Reading and writing ledger files (台账文件): CSV, XLSX and JSON lines with Chinese headers.

Readers yield ``(line_number, {header: text})`` so that every problem can name its line; the line number is
the row as a person sees it in the file (the header is line 1, or the line it was found on below a title row).

Excel's usual traps are named for what they are, by line and field, instead of surfacing as wrong data or an
internal error: a title row above the headers (found and skipped), merged cells, numbers where text was meant
(an ID number loses its last digits), Big5 text, and a CSV field over the size limit.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sanwang.domain.errors import ImportRejected, LineProblem, ValidationError

Row = tuple[int, dict[str, str]]
# Key under which a row carries values beyond the header's columns (never silently dropped).
EXTRA_FIELDS = "\x00extra"
# Key under which an XLSX row lists the headers whose cells held numbers, not text (joined by \x1f).
NUMERIC_FIELDS = "\x00numeric"
# The longest field a ledger CSV may hold (characters): longer is almost always a quote left open.
FIELD_LIMIT = 131_072
# How far down a title row may push the header row (标题行).
HEADER_SEARCH = 10


@dataclass
class Sheet:
    """A ledger file opened for reading: its headers, the line they are on, its rows and the text encoding."""

    headers: list[str]
    rows: Iterator[Row]
    header_line: int = 1
    encoding: str | None = None

    def __iter__(self) -> Iterator[Any]:  # ``headers, rows = read_rows(path)`` still works
        return iter((self.headers, self.rows))


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
    """A file's text, UTF-8 (with or without BOM), GB18030 or Big5; refused by name when it is none of them."""
    return decode_named(raw, source)[0]


def decode_named(raw: bytes, source: str) -> tuple[str, str]:
    """``decode_text`` and the encoding it found."""
    # Offices save CSV from Excel in GB18030 as often as in UTF-8; Taiwan, Hong Kong and Macao senders in Big5.
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    gb: str | None
    try:
        gb = raw.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    try:
        b5: str | None = raw.decode("big5")
    except UnicodeDecodeError:
        b5 = None
    # Big5 bytes nearly always decode as GB18030 too, into rare characters: the reading made of common
    # characters is the right one.
    if b5 is not None and (gb is None or _common_share(b5, _big5_common) > _common_share(gb, _gb_common)):
        return b5, "big5"
    if gb is not None:
        return gb, "gb18030"
    raise ValidationError(
        f"文件 {source} 不是 UTF-8、GB18030 或 Big5 编码，请另存为 UTF-8",
        f"{source} is neither UTF-8, GB18030 nor Big5; save it as UTF-8",
    )


def _gb_common(ch: str) -> bool:
    """One of the 3,755 level-1 characters of GB2312 (一级汉字)."""
    try:
        return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        return False


def _big5_common(ch: str) -> bool:
    """One of the 5,401 frequently used characters of Big5 (常用字, A440–C67E)."""
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA440 <= (b[0] << 8 | b[1]) <= 0xC67E


def _common_share(text: str, common: Callable[[str], bool]) -> float:
    han = [c for c in text[:65_536] if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    return sum(map(common, han)) / len(han) if han else 0.0


def read_rows(path: Path, known: Callable[[str], bool] | None = None) -> Sheet:
    """Headers and rows of a ledger file, by its extension. With ``known`` (is this one of our headers?), a
    title row above the headers is found and skipped: the header row is the first of the top rows that holds
    two known headers."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, known)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, known)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return Sheet(*_read_jsonl(path))
    raise ValidationError(
        f"不支持的文件类型 {suffix}，请用 CSV、XLSX 或 JSONL", f"unsupported file type {suffix}; use CSV, XLSX or JSONL"
    )


def _find_header(
    rows: Iterator[tuple[int, list[str]]], known: Callable[[str], bool] | None
) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The header row among the top rows (a title row may sit above it) and the rows read past it."""
    top: list[tuple[int, list[str]]] = []
    for line, values in rows:
        top.append((line, values))
        if known is None or sum(known(v) for v in values if v) >= 2 or len(top) >= HEADER_SEARCH:
            break
    if not top:
        raise ValidationError("文件为空", "the file is empty", line=1)
    for k, (line, values) in enumerate(top):
        if known is not None and sum(known(v) for v in values if v) >= 2:
            return line, values, top[k + 1 :]
    return top[0][0], top[0][1], top[1:]  # no title row: the first row is the header, checked by the caller


def _read_csv(path: Path, known: Callable[[str], bool] | None = None) -> Sheet:
    text, encoding = decode_named(path.read_bytes(), path.name)
    # Our own limit, checked per field below, so an over-long field is named by line and column.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 27))
    reader = csv.reader(io.StringIO(text, newline=""))

    def records() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                line = reader.line_num
                raise ValidationError(
                    f"CSV 格式错误（引号未闭合？）：{e}", f"bad CSV (a quote left open?): {e}", line=line
                ) from None
            yield reader.line_num, values

    it = records()
    header_line, raw_headers, pending = _find_header(it, known)
    headers = [h.strip() for h in raw_headers]

    def rows() -> Iterator[Row]:
        for line, values in _chain(pending, it):
            if not any(v.strip() for v in values):
                continue
            for i, v in enumerate(values):
                if len(v) > FIELD_LIMIT:
                    field = headers[i] if i < len(headers) and headers[i] else f"第{i + 1}列"
                    raise ImportRejected(path.name, [LineProblem(
                        line, field, f"内容长达 {len(v)} 字，超过 {FIELD_LIMIT} 字的上限（引号未闭合？）",
                        f"{len(v)} characters, over the limit of {FIELD_LIMIT} (a quote left open?)")])  # fmt: skip
            row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}
            if len(values) > len(headers) and any(v.strip() for v in values[len(headers) :]):
                row[EXTRA_FIELDS] = "、".join(v.strip() for v in values[len(headers) :] if v.strip())
            yield line, row

    return Sheet(headers, rows(), header_line, encoding)


def _chain(
    first: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield from first
    yield from rest


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _merged_ranges(ws: Any) -> list[tuple[str, int, str, int]]:
    """The merged ranges (合并单元格) of a read-only sheet, read from its XML without loading the sheet."""
    found: list[tuple[str, int, str, int]] = []
    tail = b""
    with ws._get_source() as src:  # openpyxl's read-only sheets do not expose merges
        while chunk := src.read(1 << 20):
            data = tail + chunk
            for m in _MERGE.finditer(data):
                a, r1, b, r2 = m.group(1), m.group(2), m.group(3) or m.group(1), m.group(4) or m.group(2)
                found.append((a.decode(), int(r1), b.decode(), int(r2)))
            tail = data[-200:]  # a tag cut by the chunk's end is found whole next time (duplicates dropped)
    return sorted(set(found), key=lambda r: (r[1], r[0]))


def _read_xlsx(path: Path, known: Callable[[str], bool] | None = None) -> Sheet:
    import openpyxl
    from openpyxl.utils import column_index_from_string

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(f"无法读取 Excel 文件：{exc}", f"cannot read the Excel file: {exc}") from None
    ws = wb.worksheets[0]
    cells = ws.iter_rows(values_only=True)
    try:
        header_line, headers, _ = _find_header(((n, [_cell(v) for v in vs]) for n, vs in enumerate(cells, 1)), known)
    except BaseException:
        wb.close()
        raise
    finally:
        cells.close()  # it holds the zip member open: the file would stay open until garbage collection
    # The data rows are read again, typed, from below the header (a read-only sheet re-reads its source).
    merges = [m for m in _merged_ranges(ws) if m[3] >= header_line]  # a merged title row above is harmless
    if merges:
        problems = []
        for a, r1, b, r2 in merges:
            col = column_index_from_string(a) - 1
            field = headers[col] if col < len(headers) and headers[col] else a
            problems.append(LineProblem(
                max(r1, header_line), field,
                f"合并单元格 {a}{r1}:{b}{r2}：请取消合并，并在每一行填写完整内容",
                f"merged cells {a}{r1}:{b}{r2}: unmerge them and fill in every row"))  # fmt: skip
        wb.close()
        raise ImportRejected(path.name, problems)

    def rows() -> Iterator[Row]:
        for n, values in enumerate(ws.iter_rows(min_row=header_line + 1, values_only=True), start=header_line + 1):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
            extra = [c for i, c in enumerate(cells) if c and (i >= len(headers) or not headers[i])]
            if extra:
                row[EXTRA_FIELDS] = "、".join(extra)
            numeric = [
                headers[i]
                for i, v in enumerate(values)
                if i < len(headers) and headers[i] and isinstance(v, int | float) and not isinstance(v, bool)
            ]
            if numeric:
                row[NUMERIC_FIELDS] = "\x1f".join(numeric)
            yield n, row
        wb.close()

    return Sheet(headers, rows(), header_line)


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


XLSX_CELL_LIMIT = 32_767  # characters Excel holds in one cell; a longer text would be cut or the file refused


def _check_xlsx_cells(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Refuse, before anything is written, a value an XLSX cell cannot hold whole (nothing is cut silently)."""
    for n, row in enumerate(rows, start=2):
        for field, value in zip(headers, row, strict=False):
            if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
                raise ValidationError(
                    f"第{n}行「{field}」有 {len(value)} 个字，超过 Excel 单元格上限 {XLSX_CELL_LIMIT}；"
                    "请导出为 .csv 或 .jsonl",
                    f"line {n}, {field}: {len(value)} characters, over Excel's {XLSX_CELL_LIMIT} per cell; "
                    "export to .csv or .jsonl instead",
                    field=field,
                    line=n,
                )


def write_rows(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, watermark: str, force: bool = False
) -> None:
    """Write a ledger file by extension; every file carries who exported it and when (导出留痕).

    No folder is created (a mistyped path is named, not silently made) and no file is overwritten without
    ``force``; the file appears whole or not at all (written beside it, then renamed). XLSX dates are date cells,
    CSV and JSON dates ISO text."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".jsonl", ".ndjson"):
        raise ValidationError(
            f"不支持的导出类型 {suffix}", f"unsupported export type {suffix}; use .xlsx, .csv or .jsonl", field="file"
        )
    if not path.parent.is_dir():
        raise ValidationError(
            f"目录 {path.parent} 不存在，请先建立该目录", f"the folder {path.parent} does not exist", field="file"
        )
    if path.is_dir():
        raise ValidationError(f"{path} 是目录，请给出文件名", f"{path} is a folder; give a file name", field="file")
    if path.exists() and not force:
        raise ValidationError(
            f"文件 {path} 已存在；如要覆盖，请加 --force", f"{path} exists; add --force to overwrite it", field="file"
        )
    if suffix == ".xlsx":
        _check_xlsx_cells(headers, rows)
    part = path.with_name(f".{path.name}.part")
    try:
        if suffix == ".xlsx":
            _write_xlsx(part, headers, rows, watermark)
        elif suffix == ".csv":
            with part.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow(headers)
                w.writerows([[_cell(v) for v in r] for r in rows])
                w.writerow([f"# {watermark}"])
        else:
            with part.open("w", encoding="utf-8") as f:
                for r in rows:
                    record = dict(zip(headers, [_cell(v) for v in r], strict=True))
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
                f.write(json.dumps({"_watermark": watermark}, ensure_ascii=False) + "\n")
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)


def _write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], watermark: str) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("线索台账")
    ws.append(list(headers))
    for r in rows:
        ws.append([v if isinstance(v, date) else _cell(v) for v in r])  # a date stays a date cell (yyyy-mm-dd)
    meta = wb.create_sheet("导出信息")
    meta.append(["导出留痕 / export watermark"])
    meta.append([watermark])
    wb.properties.creator = watermark
    wb.properties.title = "问题线索台账"
    wb.save(path)
