"""大起底 re-screening (信访件大起底): years of historical petitions streamed through normalisation, triage and the
officials registry, on every core, into a ranked list for review — resumable after a crash, identical on rerun.

Input: CSV (UTF-8 or GB18030), XLSX or JSON lines, one petition per row, with an id column (``编号`` or ``id``)
and a text column (``内容`` or ``text``); other columns are ignored. Rows are read in chunks of ``chunk`` rows;
the worker that screens a chunk sorts it by rank and writes it to ``<out>.work/chunk-NNNNNN.jsonl`` atomically
(temporary file, fsync, rename), each line already rendered for both outputs, so a run killed at any moment —
``kill -9`` included — leaves only whole chunks, and the next run skips them. The work folder records the
input's size, modification time and a hash of its first megabyte and refuses to resume on a different file.
The ranked list is written last, atomically, by a streaming merge of the sorted chunks (memory stays flat
however many millions of rows): the same input gives the same bytes whether or not the run was interrupted.

Ranking (docs/rescreen.md): 打伞破网 letters first (gang crime together with an official's involvement), then
petitions naming an official of the registry, then by the higher of the two triage scores, then in input order.
Reading the input and the registry: ``rescreen_input``.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from sanwang.domain.errors import ValidationError
from sanwang.services.rescreen_input import Official, read_petitions
from sanwang.text.entities import extract
from sanwang.text.gazetteer import Gazetteer
from sanwang.text.normalize import Normalized, normalize
from sanwang.text.patterns import find_positions, role_ends
from sanwang.text.triage import fingerprint as triage_version
from sanwang.text.triage import triage

CHUNK = 2_000
FORMAT = 3  # of the chunk files: a work folder written by another format is not resumed
MERGE_FAN_IN = 256  # chunk files open at once in the final merge; more are merged in passes
OUTPUT_COLUMNS = ("rank", "id", "line", "priority", "gang", "misconduct", "officials", "indicators", "text")


# ------------------------------------------------------------------------------------------ per document

_registry: tuple[Gazetteer, dict[str, list[int]], list[Official]] | None = None
# Entity extraction per petition (``--entities``): None (off), "rules" (rules and the registry: fast) or "model"
# (the name model too: about ten times the cost of the rest of the per-petition work).
ENTITY_MODES = ("rules", "model")
_entities: str | None = None


def _init_worker(officials: list[Official], entities: str | None = None) -> None:
    global _registry, _entities
    _entities = entities
    gaz = Gazetteer.build((o.name, "person", str(i)) for i, o in enumerate(officials))
    by_id: dict[str, list[int]] = {}
    for i, o in enumerate(officials):
        if o.id_number:
            by_id.setdefault(o.id_number, []).append(i)
    _registry = (gaz, by_id, officials)


def _official_label(o: Official) -> str:
    """王五（某镇党委书记）, or the bare name when the registry gives neither unit nor position."""
    where = f"{o.unit}{o.position}"
    return f"{o.name}（{where}）" if where else o.name


def screen(line: int, pid: str, body: str) -> dict[str, Any]:
    """One petition: normalised, scored, matched against the registry (and, when asked, its entities extracted).
    The same function for every engine."""
    norm_full = normalize(body)
    norm = norm_full.text
    t = triage(norm)
    matched: list[str] = []
    named: list[dict[str, str]] = []
    if _registry is not None:
        gaz, by_id, officials = _registry
        seen: set[int] = set()
        # A title or role word right before a two-character name lifts the gazetteer's guard (村支书王五充当…),
        # as in entity extraction: the registry match is the first ranking key.
        titles = find_positions(norm)
        for e in gaz.find(norm, (), {t.end for t in titles} | role_ends(norm), [(t.start, t.end) for t in titles]):
            keys = e.value if isinstance(e.value, tuple) else (e.value,)
            seen.update(int(k) for k in keys if k is not None)
        for token in _id_numbers(norm):
            seen.update(by_id.get(token, ()))
        matched = [_official_label(officials[i]) for i in sorted(seen)]
        named = [{"name": o.name, "unit": o.unit, "position": o.position} for o in (officials[i] for i in sorted(seen))]
    priority = max(t.gang, t.misconduct)
    out = {
        "id": pid,
        "line": line,
        "priority": round(priority, 4),
        "gang": round(t.gang, 4),
        "misconduct": round(t.misconduct, 4),
        "umbrella": umbrella(
            t.gang,
            t.misconduct,
            any(i.score == "gang" and not i.key.startswith("learned.") for i in t.indicators),
            bool(matched),
        ),  # fmt: skip
        "officials": matched,
        # The registry's own record of each official named (the JSON lines only): registration keeps unit and
        # position as the registry gives them.
        "registry": named,
        "indicators": sorted({i.label for i in t.indicators if not i.key.startswith("learned.")}),
        "text": body,
    }
    if _entities:
        out["entities"] = _entities_of(body, norm_full)
    return out


def _entities_of(body: str, norm: Normalized) -> list[dict[str, Any]]:
    """Entities of one petition with offsets into the text as given (registry names keyed as in ``officials``)."""
    gaz = _registry[0] if _registry is not None else None
    found = []
    for e in extract(norm.text, gaz, model=_entities == "model"):
        start, end = norm.span_to_original(e.start, e.end)
        found.append({"type": e.type, "text": body[start:end], "start": start, "end": end, "precision": e.precision})
    return found


_ID_SHAPED = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def _id_numbers(text: str) -> list[str]:
    """18-character ID-number shapes (the registry lookup checks them; a regex, as this runs on every petition)."""
    return [m.group().upper() for m in _ID_SHAPED.finditer(text)]


def _screen_chunk(rows: list[tuple[int, str, str]], dest: str, with_entities: bool) -> int:
    """Screen a chunk and write it, sorted by rank, to ``dest`` (atomically): run in the worker, so the parent
    neither receives nor serialises the results. Returns the number of petitions."""
    results = sorted((screen(*r) for r in rows), key=rank_key)
    lines = [json.dumps([*rank_key(r), r["id"], *render(r, with_entities)], ensure_ascii=False) + "\n" for r in results]
    _atomic_write(Path(dest), "".join(lines).encode("utf-8"))
    return len(results)


def render(r: dict[str, Any], with_entities: bool) -> tuple[str, str]:
    """A screened petition as its CSV row after the rank column, and its JSON line after the rank key — rendered
    once, where it is screened; ranking only prefixes the rank."""
    buf = io.StringIO()
    extra = [entity_summary(r.get("entities", []))] if with_entities else []
    officials, indicators = "；".join(r["officials"]), "、".join(r["indicators"])
    row = [r["id"], r["line"], r["priority"], r["gang"], r["misconduct"], officials, indicators, *extra, r["text"]]
    csv.writer(buf, lineterminator="\n").writerow(row)
    return buf.getvalue(), json.dumps(r, ensure_ascii=False)


# -------------------------------------------------------------------------------------------- the run


def _fingerprint(path: Path, chunk: int, officials: list[Official], entities: str | None) -> dict[str, Any]:
    st = path.stat()
    with path.open("rb") as f:
        head = hashlib.sha256(f.read(1 << 20)).hexdigest()
    reg = hashlib.sha256(json.dumps([o.__dict__ for o in officials], ensure_ascii=False).encode()).hexdigest()
    return {"input": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "head_sha256": head,
            "chunk": chunk, "registry_sha256": reg, "entities": entities, "format": FORMAT,
            "triage": triage_version()}  # fmt: skip


# What each manifest entry is, for the refusal to resume (the first difference is named, with its option).
_RESUME_KEYS = {
    "input": ("输入文件（路径）", "the input file (its path)", "input"),
    "size": ("输入文件的大小", "the input file's size", "input"),
    "mtime_ns": ("输入文件的修改时间", "the input file's modification time", "input"),
    "head_sha256": ("输入文件的内容", "the input file's content", "input"),
    "chunk": ("每批件数 --chunk", "--chunk (petitions per chunk)", "--chunk"),
    "registry_sha256": ("公职人员名单 --registry", "the officials registry (--registry)", "--registry"),
    "entities": ("实体抽取方式 --entities", "--entities", "--entities"),
    "format": ("工作目录格式", "the work folder format", "input"),
    "triage": ("研判模型或规则", "the triage model or rules", "input"),
}


def _atomic_write(path: Path, data: bytes) -> None:
    # The temporary name is the writer's own: a worker of a killed run may still be finishing the same chunk.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _chunks(path: Path, chunk: int) -> Iterator[tuple[int, list[tuple[int, str, str]]]]:
    batch: list[tuple[int, str, str]] = []
    k = 0
    for row in read_petitions(path):
        batch.append(row)
        if len(batch) == chunk:
            yield k, batch
            k, batch = k + 1, []
    if batch:
        yield k, batch


def check_outputs(path: Path, out: Path) -> None:
    """Refuse an output that would overwrite the input: the ranked CSV, its .jsonl twin or the work folder."""
    for target in (out, out.with_suffix(".jsonl"), out.with_name(out.name + ".work")):
        if target.resolve() == path.resolve():
            raise ValidationError(
                f"输出 {target} 会覆盖输入文件 {path}，请换一个 --out",
                f"the output {target} would overwrite the input {path}: choose another --out",
                field="--out",
            )


def rescreen(
    path: Path,
    out: Path,
    *,
    registry: list[Official] | None = None,
    workers: int | None = None,
    chunk: int = CHUNK,
    entities: str | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Screen ``path`` into the ranked list ``out`` (CSV; a ``.jsonl`` twin is written beside it).

    ``entities`` (``rules`` or ``model``) adds each petition's entities: a column of persons, units and places
    in the CSV, the full list with offsets in the JSON lines."""
    check_outputs(path, out)
    officials = registry or []
    work = out.with_name(out.name + ".work")
    work.mkdir(parents=True, exist_ok=True)
    manifest = work / "manifest.json"
    if entities is not None and entities not in ENTITY_MODES:
        raise ValidationError(
            "实体抽取方式只能是 rules 或 model", f"entities must be rules or model, not {entities!r}", field="entities"
        )
    finger = _fingerprint(path, chunk, officials, entities)
    if manifest.exists():
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        if recorded.get("format") != FORMAT:
            raise ValidationError(
                f"工作目录 {work} 由旧版本的 sanwang 写成，格式不同，不能续做；删除该目录后重新开始",
                f"{work} was written by an older sanwang in another chunk format: delete it to start again",
                field="input",
            )
        if recorded.get("triage") != finger["triage"]:
            # Chunks scored by two models would make one list ranked two ways.
            raise ValidationError(
                f"工作目录 {work} 开始后研判模型或规则已更改（升级或修改了 triage.yaml），不能续做；"
                "删除该目录后重新开始",
                f"the triage model or rules changed since {work} was started (an upgrade or an edited triage.yaml): "
                "delete it to start again",
                field="input",
            )
        changed = [key for key in finger if recorded.get(key) != finger[key]]
        if changed:
            zh, en, option = _RESUME_KEYS[changed[0]]
            raise ValidationError(
                f"工作目录 {work} 开始时{zh}与本次不同，不能续做：用原来的设置重跑，或删除该目录后重新开始",
                f"{en} differs from the run that started {work}: rerun with the original setting, or delete the "
                "folder to start again",
                field=option,
            )
    else:
        _atomic_write(manifest, json.dumps(finger, ensure_ascii=False).encode())
    done = {int(p.stem.split("-")[1]) for p in work.glob("chunk-*.jsonl")}
    resumed = len(done)
    workers = workers or os.cpu_count() or 1
    todo = ((k, rows) for k, rows in _chunks(path, chunk) if k not in done)

    with_entities = entities is not None
    report = progress or (lambda n: None)

    def task(k: int, rows: list[tuple[int, str, str]]) -> tuple[list[tuple[int, str, str]], str, bool]:
        return rows, str(work / f"chunk-{k:06d}.jsonl"), with_entities

    if workers == 1:
        _init_worker(officials, entities)
        for k, rows in todo:
            report(_screen_chunk(*task(k, rows)))
    else:
        with _pool_context().Pool(workers, initializer=_init_worker, initargs=(officials, entities)) as pool:
            pending: list[Any] = []
            for k, rows in todo:
                pending.append(pool.apply_async(_screen_chunk, task(k, rows)))
                while len(pending) >= 2 * workers:  # bounded: memory stays flat however long the input
                    report(pending.pop(0).get())
            for res in pending:
                report(res.get())
    for stale in [*work.glob("*.tmp"), *work.glob("merge-*")]:  # left by a killed run (never a finished chunk)
        stale.unlink()
    written = _merge_chunks(sorted(work.glob("chunk-*.jsonl")), out, with_entities=with_entities)
    return {
        "input": str(path),
        "output": str(out),
        "petitions": written["petitions"],
        "resumed_chunks": resumed,
        "with_officials": written["with_officials"],
        "duplicate_ids": written["duplicate_ids"],
    }


def _chunk_lines(path: Path) -> Iterator[list[Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _merge_key(rec: list[Any]) -> tuple[bool, bool, float, int]:
    return rec[0], rec[1], rec[2], rec[3]


def _merge_chunks(paths: list[Path], out: Path, *, with_entities: bool) -> dict[str, int]:
    """Merge sorted chunk files into the ranked list, streamed; with more than ``MERGE_FAN_IN`` chunks, groups
    are first merged into larger sorted runs (so the open files stay bounded, however long the input)."""
    passes = 0
    while len(paths) > MERGE_FAN_IN:
        passes += 1
        runs = []
        for g in range(0, len(paths), MERGE_FAN_IN):
            run = paths[0].parent / f"merge-{passes}-{g // MERGE_FAN_IN:06d}.jsonl"
            merged = heapq.merge(*(_chunk_lines(p) for p in paths[g : g + MERGE_FAN_IN]), key=_merge_key)
            with run.open("w", encoding="utf-8") as f:
                f.writelines(json.dumps(rec, ensure_ascii=False) + "\n" for rec in merged)
            if passes > 1:  # runs of an earlier pass are ours to remove; chunk files stay for a rerun
                for p in paths[g : g + MERGE_FAN_IN]:
                    p.unlink()
            runs.append(run)
        paths = runs
    ranked = heapq.merge(*(_chunk_lines(p) for p in paths), key=_merge_key)
    written = _write_rendered(((rec[5], rec[6], rec[4], not rec[1]) for rec in ranked), out, with_entities)
    if passes:
        for p in paths:
            p.unlink()
    return written


def _pool_context() -> Any:
    """Workers forked from a server that has loaded the tables and the model once (about a third of a second
    saved per worker against ``spawn``); ``spawn`` where the platform has no fork server."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(["sanwang.services.rescreen", "sanwang.services.rescreen_warm"])
    return ctx


LIKELY = 0.5  # a score at which the petition is more likely than not of its kind (the flags set on registration)


def umbrella(gang: float, misconduct: float, gang_phrase: bool, officials: bool) -> bool:
    """打伞破网: gang crime (a gang score of at least ``LIKELY``, or a campaign phrase of gang crime: 涉黑, 村霸 …)
    together with an official's involvement (a misconduct score of at least ``LIKELY``, or an official of the
    registry named) — the letters 大起底 is for, ranked before complaints of either kind alone."""
    return (gang >= LIKELY or gang_phrase) and (misconduct >= LIKELY or officials)


def rank_key(r: dict[str, Any]) -> tuple[bool, bool, float, int]:
    """The ranking (docs/rescreen.md): gang crime with an official's involvement first, then registry matches,
    then the higher score, then input order."""
    return (not r["umbrella"], not r["officials"], -r["priority"], r["line"])


_ENTITY_LABELS = {"person": "人员", "org": "单位", "place": "地点", "amount": "金额"}


def entity_summary(entities: list[dict[str, Any]]) -> str:
    """The CSV cell of a petition's entities: 人员：张三、李四；单位：某局；地点：巧家县 (each name once)."""
    parts = []
    for kind, label in _ENTITY_LABELS.items():
        names = dict.fromkeys(e["text"] for e in entities if e["type"] == kind)
        if names:
            parts.append(f"{label}：" + "、".join(names))
    return "；".join(parts)


def write_ranked(ranked: Iterable[dict[str, Any]], out: Path, *, with_entities: bool = False) -> dict[str, int]:
    """Write results already in rank order to ``out`` (CSV) and its ``.jsonl`` twin, streamed, each file
    replaced atomically at the end (temporary file, fsync, rename). ``with_entities`` adds the ``entities``
    column before the text."""
    rows = ((*render(r, with_entities), r["id"], bool(r["officials"])) for r in ranked)
    return _write_rendered(rows, out, with_entities)


def _write_rendered(rows: Iterable[tuple[str, str, str, bool]], out: Path, with_entities: bool) -> dict[str, int]:
    """The ranked list from (CSV row, JSON line, id, names an official) in rank order (see ``render``): the rank
    is all that is added."""
    twin = out.with_suffix(".jsonl")
    tmp_csv, tmp_jl = out.with_name(out.name + ".tmp"), twin.with_name(twin.name + ".tmp")
    count = with_officials = 0
    ids: set[str] = set()
    with tmp_csv.open("w", encoding="utf-8", newline="") as fc, tmp_jl.open("w", encoding="utf-8") as fj:
        csv.writer(fc, lineterminator="\n").writerow(
            OUTPUT_COLUMNS[:-1] + ("entities",) * with_entities + OUTPUT_COLUMNS[-1:]
        )
        for rank, (row, body, pid, official) in enumerate(rows, start=1):
            fc.write(f"{rank},{row}")
            fj.write(f'{{"rank": {rank}, {body[1:]}\n')
            count += 1
            ids.add(pid)
            with_officials += official
        for f in (fc, fj):
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp_csv, out)
    os.replace(tmp_jl, twin)
    return {"petitions": count, "with_officials": with_officials, "duplicate_ids": count - len(ids)}


def register_top(session: Any, *, actor: Any, ranked: Path, top: int, unit_code: str | None = None) -> dict[str, Any]:
    """Register the ``top`` petitions of a ranked list as clues through channel 大起底 (DQ). The petition's id is
    the clue's external reference, so registering again adds nothing."""
    from datetime import date

    from sanwang.services.clues import ClueDraft, register_clues
    from sanwang.services.imports import _known_refs, _target_unit

    unit = _target_unit(session, actor, unit_code)
    picked: list[dict[str, Any]] = []
    with ranked.with_suffix(".jsonl").open(encoding="utf-8") as f:
        for line in f:
            if len(picked) >= top:
                break
            picked.append(json.loads(line))
    # One clue per petition id: the same id further down the list (a duplicate in the input) is skipped, named.
    firsts: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for r in picked:
        if f"DQ-{r['id']}" in firsts:
            skipped.append(str(r["id"]))
        else:
            firsts[f"DQ-{r['id']}"] = r
    known = _known_refs(session, unit.id, list(firsts))
    drafts = [
        ClueDraft(
            channel="DQ",
            received=date.today(),
            real_name=False,
            summary=r["text"],
            subjects=_subjects(r),
            external_ref=ref,
            gang_related=r["gang"] >= LIKELY,
            umbrella_suspected=bool(r["officials"]) and r["misconduct"] >= LIKELY,
        )
        for ref, r in firsts.items()
        if ref not in known
    ]
    numbers = register_clues(session, actor=actor, unit=unit, drafts=drafts)
    return {"registered": len(numbers), "already": len(known), "numbers": [n for _, n in numbers],
            "duplicate_ids": skipped}  # fmt: skip


def _subjects(r: dict[str, Any]) -> tuple[Any, ...]:
    """The reported persons of a ranked petition: the registry's record of each official named (a list written
    before the registry field carried only the label 王五（某镇镇长）, from which the name alone is taken)."""
    from sanwang.services.clues import SubjectDraft

    if "registry" in r:
        found = [SubjectDraft(name=o["name"], unit_name=o["unit"] or None, position=o["position"] or None)
                 for o in r["registry"]]  # fmt: skip
    else:
        found = [SubjectDraft(name=o.split("（")[0]) for o in r["officials"]]
    return tuple(found) or (SubjectDraft(name="不详"),)
