"""``sanwang text`` — Chinese text tools (中文文本处理) as stdin → stdout filters.

``sanwang text normalize`` reads text on stdin and writes the normalised text; ``--jsonl`` turns records
``{"id", "text"}`` to ``{"id", "text" (normalised), "original" (verbatim)}`` line by line; ``--json`` writes
one document with the text, the original, the offset map and the repairs. No store is opened: the text layer
is pure, so these commands work on any machine, before ``sanwang init``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import typer

from sanwang.text import normalize as normalize_text
from sanwang.text.entities import extract
from sanwang.text.triage import triage

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def text_tools() -> None:
    """中文文本处理 / Chinese text tools (stdin → stdout)."""
    # A callback keeps `text` a command group even while it has a single command, so `sanwang text normalize`
    # and a stand-alone `app` parse the same way.


def _fail(zh: str, en: str) -> typer.Exit:
    typer.echo(f"错误 / error: {zh} / {en}", err=True)
    return typer.Exit(code=2)  # as every other refusal of the sanwang command


def _read_stdin() -> str:
    data: bytes = typer.get_binary_stream("stdin").read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # Refuse rather than guess: the original must be kept verbatim, and a guessed decoding is not.
        raise _fail(f"输入不是 UTF-8（第 {e.start} 字节）", f"input is not UTF-8 (byte {e.start})") from None


def _write(text: str) -> None:
    # Bytes, always UTF-8: a server's C locale must not turn Chinese output into an encoding error.
    out = typer.get_binary_stream("stdout")
    out.write(text.encode("utf-8"))
    out.flush()


def _records(data: str) -> Iterator[tuple[Any, str]]:
    """(id, text) of each JSON line. Every line is checked before the first is yielded, so a bad line anywhere
    is refused by number with nothing written; lines end at \n only (U+2028 may sit inside a JSON string)."""
    return iter(list(_checked(data)))


def _checked(data: str) -> Iterator[tuple[Any, str]]:
    for number, raw in enumerate(data.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError as e:
            raise _fail(f"第 {number} 行不是 JSON：{e.msg}", f"line {number}: not JSON: {e.msg}") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise _fail(f"第 {number} 行缺少字符串字段 text", f"line {number}: field 'text' must be a string")
        yield record.get("id"), record["text"]


def _stream(rows: Iterable[dict[str, Any]]) -> None:
    batch: list[str] = []
    for row in rows:
        batch.append(json.dumps(row, ensure_ascii=False))
        if len(batch) >= 1000:  # stream in batches: big files neither wait for the end nor write line by line
            _write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        _write("\n".join(batch) + "\n")


def entities_of(text: str) -> list[dict[str, Any]]:
    """Entities found in the normalised text, with offsets into the text as given (原文偏移)."""
    norm = normalize_text(text)
    out = []
    for e in extract(norm.text):
        start, end = norm.span_to_original(e.start, e.end)
        out.append(
            {"type": e.type, "text": text[start:end], "start": start, "end": end, "value": _plain(e.value),
             "precision": e.precision, "source": e.source}
        )  # fmt: skip
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@app.command("entities")
def entities_command(
    jsonl: bool = typer.Option(
        False, "--jsonl", help='每行 {"id","text"} → {"id","entities":[...]} / one JSON record per line'
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / one JSON document"),
) -> None:
    """抽取实体：人名、单位、职务、地名、身份证号、电话、银行卡、车牌、金额、日期 / extract entities from stdin."""
    data = _read_stdin()
    if jsonl:
        _stream({"id": rid, "entities": entities_of(text)} for rid, text in _records(data))
        return
    found = entities_of(data)
    if as_json:
        _write(json.dumps({"entities": found}, ensure_ascii=False) + "\n")
    else:
        _write("".join(f"{e['type']}\t{e['start']}\t{e['end']}\t{e['text']}\n" for e in found))


def triage_of(text: str) -> dict[str, Any]:
    """Triage of the normalised text, indicator offsets mapped back to the text as given (原文偏移)."""
    norm = normalize_text(text)
    result = triage(norm.text).as_dict()
    for ind in result["indicators"]:
        start, end = norm.span_to_original(ind["start"], ind["end"])
        ind.update(start=start, end=end, text=text[start:end])
    return result


@app.command("triage")
def triage_command(
    jsonl: bool = typer.Option(
        False, "--jsonl", help='每行 {"id","text"} → {"id","gang","misconduct","indicators",...} / per line'
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / one JSON document"),
) -> None:
    """线索研判：涉黑涉恶、公职人员违纪违法（保护伞）两项评分及依据 / gang and misconduct scores with reasons."""
    if jsonl and as_json:
        raise _fail("--jsonl 与 --json 只能选一个", "choose one of --jsonl and --json")
    data = _read_stdin()
    if jsonl:
        _stream({"id": rid, **triage_of(text)} for rid, text in _records(data))
        return
    result = triage_of(data)
    if as_json:
        _write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    lines = [f"涉黑涉恶 gang\t{result['gang']:.3f}", f"违纪违法/保护伞 misconduct\t{result['misconduct']:.3f}"]
    lines += [f"{i['score']}\t{i['start']}\t{i['end']}\t{i['label']}\t{i['text']}" for i in result["indicators"]]
    if result["sectors"]:
        lines.append("行业领域 sectors\t" + "、".join(result["sectors"]))
    if result["typology"]:
        lines.append("保护伞类型 typology\t" + "、".join(result["typology"]))
    _write("\n".join(lines) + "\n")


def _jsonl(data: str) -> None:
    def rows() -> Iterator[dict[str, Any]]:
        for rid, text in _records(data):
            result = normalize_text(text)
            yield {"id": rid, "text": result.text, "original": result.original}

    _stream(rows())


@app.command("normalize")
def normalize_command(
    jsonl: bool = typer.Option(
        False, "--jsonl", help='每行 {"id","text"} → {"id","text","original"} / one JSON record per line'
    ),
    as_json: bool = typer.Option(
        False, "--json", help="输出 JSON（含偏移映射与修复） / one JSON document with offsets"
    ),
) -> None:
    """规范化文本：去拼音注音、补缺字、繁转简、全角转半角、空白 / normalise text from stdin to stdout."""
    if jsonl and as_json:
        raise _fail("--jsonl 与 --json 只能选一个", "choose one of --jsonl and --json")
    data = _read_stdin()
    if jsonl:
        _jsonl(data)
        return
    result = normalize_text(data)
    _write((json.dumps(result.to_dict(), ensure_ascii=False) if as_json else result.text) + "\n")
