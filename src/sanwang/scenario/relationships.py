"""Bulk relationship records (关系数据) as Parquet: persons, kinship, company roles, transfers, calls.

The planted edges (umbrellas, gang companies, duplicate records) come from ``Scenario.ground_truth``; around
them a background population (常住人口) with its own families, companies, bank transfers and call records is
drawn with numpy, vectorised, so a city yields one to two million transfer and call rows in seconds. Person
ids are held as integer indexes until the last moment and turned into strings by Arrow's ``take``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sanwang.scenario.model import Scenario
from sanwang.scenario.names import FEMALE_CHARS, MALE_CHARS, SURNAME_CUM, SURNAMES

Array = np.ndarray[Any, Any]
_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))
_PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 158, 159, 177, 182, 187, 188, 199])
_START = np.datetime64("2016-01-01")


def _names(rng: np.random.Generator, n: int) -> list[str]:
    cum = np.array(SURNAME_CUM) / SURNAME_CUM[-1]
    sur = np.searchsorted(cum, rng.random(n), side="right").clip(max=len(SURNAMES) - 1)
    male = rng.random(n) < 0.5
    pools = (np.array(list(FEMALE_CHARS)), np.array(list(MALE_CHARS)))
    c1 = np.where(male, pools[1][rng.integers(0, len(MALE_CHARS), n)], pools[0][rng.integers(0, len(FEMALE_CHARS), n)])
    c2 = np.where(male, pools[1][rng.integers(0, len(MALE_CHARS), n)], pools[0][rng.integers(0, len(FEMALE_CHARS), n)])
    two = rng.random(n) < 0.74
    surnames = [s for s, _ in SURNAMES]
    return [surnames[s] + a + (b if t else "") for s, a, b, t in zip(sur.tolist(), c1.tolist(), c2.tolist(),
                                                                        two.tolist(), strict=True)]  # fmt: skip


def _id_numbers(rng: np.random.Generator, regions: list[str], n: int) -> Array:
    """``n`` valid 18-digit ID numbers (checksum computed with the GB 11643 weights, vectorised)."""
    region = np.array(regions)[rng.integers(0, len(regions), n)]
    born = np.datetime64("1945-01-01") + rng.integers(0, 365 * 58, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(born, unit="D"), "-", "")
    serial = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    body = np.char.add(np.char.add(region, ymd), serial)
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17).astype(np.int64) - 48
    check = _CHECK[(digits @ _WEIGHTS) % 11]
    return np.char.add(body, check)


def _phones(rng: np.random.Generator, n: int) -> Array:
    head = _PREFIXES[rng.integers(0, len(_PREFIXES), n)].astype(str)
    return np.char.add(head, np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8))


def _dates(rng: np.random.Generator, n: int, span_days: int) -> tuple[Array, Array]:
    first = _START + rng.integers(0, span_days, n).astype("timedelta64[D]")
    last = first + rng.integers(0, 400, n).astype("timedelta64[D]")
    return first, np.minimum(last, _START + np.timedelta64(span_days, "D"))


def _pairs(rng: np.random.Generator, n_people: int, n: int) -> tuple[Array, Array]:
    """``n`` directed pairs with a heavy tail: a few people have many counterparts, most have few."""
    a = (rng.pareto(1.2, n) * n_people / 50).astype(np.int64) % n_people
    a = rng.permutation(n_people)[a]  # scatter the hubs over the population, not the first indexes
    b = rng.integers(0, n_people, n)
    b = np.where(b == a, (b + 1) % n_people, b)
    return a, b


def _write(table: pa.Table, path: Path) -> int:
    pq.write_table(table, path, compression="zstd")
    return int(table.num_rows)


def write_relationships(scenario: Scenario, out_dir: Path) -> dict[str, int]:
    """Write the five Parquet files into ``out_dir`` and return their row counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    gt = scenario.ground_truth
    rng = np.random.default_rng([scenario.seed, 20180101])
    end = date.fromisoformat(gt["_period"][1])
    span = int((np.datetime64(end.isoformat()) - _START).astype(int))

    # Persons: officials, gang members, planted people, duplicate records, then the background population.
    ids: list[str] = [o.person_id for o in scenario.officials]
    names = [o.name for o in scenario.officials]
    idns = [o.id_number for o in scenario.officials]
    phones = [o.phone for o in scenario.officials]
    sources = ["公职人员信息库"] * len(ids)
    for g in scenario.gang_cases:
        for member in g.members:
            ids.append(member.person_id)
            names.append(member.name)
            idns.append(member.id_number)
            phones.append(gt["_phones"].get(member.person_id, ""))
            sources.append("公安涉黑涉恶人员名单")
    for p in gt["_people"]:
        ids.append(p["person_id"])
        names.append(p["name"])
        idns.append(p["id_number"])
        phones.append(p["phone"])
        sources.append("户籍")
    for r in gt["_records"]:
        ids.append(r["person_id"])
        names.append(r["name"])
        idns.append(r["id_number"])
        phones.append(r["phone"])
        sources.append(r["source"])
    known = len(ids)
    n_bg = max(2000, len(scenario.officials) * 4)
    regions = sorted({o.region_code for o in scenario.officials if o.region_code[4:] != "00"}) or ["530602"]
    bg_ids = [f"B{i + 1:08d}" for i in range(n_bg)]
    n = known + n_bg
    persons = pa.table(
        {
            "person_id": pa.array(ids + bg_ids),
            "name": pa.array(names + _names(rng, n_bg)),
            "id_number": pa.concat_arrays([pa.array(idns), pa.array(_id_numbers(rng, regions, n_bg))]),
            "phone": pa.concat_arrays([pa.array(phones), pa.array(_phones(rng, n_bg))]),
            "source": pa.array(sources + ["户籍"] * n_bg),
        }
    )
    counts = {"persons": _write(persons, out_dir / "persons.parquet")}
    pid = persons.column("person_id").combine_chunks()
    index = {p: i for i, p in enumerate(ids)}

    def take(idx: Array) -> pa.Array:
        return pid.take(pa.array(idx.astype(np.int64)))

    planted = gt["_edges"]

    # Kinship: background families (spouses, parents and children, siblings, households) plus planted ties.
    k_a: list[Array] = []
    k_b: list[Array] = []
    k_rel: list[Array] = []
    for rel, rate in (("配偶", 0.3), ("父母子女", 0.4), ("兄弟姐妹", 0.25), ("姻亲", 0.1), ("同户", 0.2)):
        k = int(n * rate)
        a = rng.integers(0, n, k)
        b = rng.integers(0, n, k)
        keep = a != b
        k_a.append(a[keep])
        k_b.append(b[keep])
        k_rel.append(np.full(int(keep.sum()), rel))
    pk = [e for e in planted if e["kind"] == "kinship"]
    k_a.append(np.array([index[e["a"]] for e in pk], dtype=np.int64))
    k_b.append(np.array([index[e["b"]] for e in pk], dtype=np.int64))
    k_rel.append(np.array([e["relation"] for e in pk], dtype=str))
    kin = pa.table({"a": take(np.concatenate(k_a)), "b": take(np.concatenate(k_b)),
                    "relation": pa.array(np.concatenate(k_rel).astype(str))})  # fmt: skip
    counts["kinship"] = _write(kin, out_dir / "kinship.parquet")

    # Company roles: background small businesses plus the gang companies (with planted shareholders).
    n_comp = max(200, n // 25)
    per = rng.integers(1, 5, n_comp)
    comp = np.repeat(np.arange(n_comp), per)
    holder = rng.integers(0, n, len(comp))
    first_of = np.r_[True, comp[1:] != comp[:-1]]
    role = np.where(first_of, "法定代表人", np.where(rng.random(len(comp)) < 0.2, "高管", "股东"))
    share = np.where(role == "高管", 0.0, np.round(rng.uniform(0.05, 0.6, len(comp)), 2))
    since, _ = _dates(rng, len(comp), span)
    words = np.array(list("鑫盛恒通宏达兴隆金源富民顺发众诚华泰永祥天成博远"))
    trades = np.array(["商贸", "建材", "餐饮", "农业科技", "物流", "劳务", "装饰工程", "汽车服务", "酒店管理"])
    cname = np.char.add(np.char.add(np.char.add(words[rng.integers(0, 24, n_comp)], words[rng.integers(0, 24,
                        n_comp)]), trades[rng.integers(0, len(trades), n_comp)]), "有限公司")  # fmt: skip
    company_ids = [f"C{900_0000 + i:07d}" for i in range(n_comp)]
    gc_rows = [(c["company_id"], c["company_name"], index[r["person_id"]], r["role"], r["share"], r["since"])
               for c in gt["_companies"] for r in c["roles"]]  # fmt: skip
    companies = pa.table(
        {
            "company_id": pa.array([r[0] for r in gc_rows] + [company_ids[i] for i in comp.tolist()]),
            "company_name": pa.array([r[1] for r in gc_rows] + cname[comp].tolist()),
            "person_id": take(np.concatenate([np.array([r[2] for r in gc_rows], dtype=np.int64), holder])),
            "role": pa.array([r[3] for r in gc_rows] + role.tolist()),
            "share": pa.array([float(r[4]) for r in gc_rows] + share.tolist(), pa.float64()),
            "since": pa.concat_arrays([pa.array([r[5] for r in gc_rows], pa.date32()), pa.array(since)]),
        }
    )
    counts["company_roles"] = _write(companies, out_dir / "company_roles.parquet")

    # Transfers and calls: heavy-tailed background, gang-internal traffic, then the planted umbrella edges.
    gang_idx = [np.array([index[m.person_id] for m in g.members]) for g in scenario.gang_cases]
    for kind, per_person, fname in (("transfer", 6, "transfers"), ("call", 10, "calls")):
        a, b = _pairs(rng, n, n * per_person)
        inner_a = [np.repeat(gi[:1], len(gi) - 1) if kind == "transfer" else np.repeat(gi, 2) for gi in gang_idx]
        inner_b = [gi[1:] if kind == "transfer" else rng.permutation(np.repeat(gi, 2)) for gi in gang_idx]
        a = np.concatenate([a, *inner_a])
        b = np.concatenate([b, *inner_b])
        ok = a != b
        a, b = a[ok], b[ok]
        cnt = rng.geometric(0.25 if kind == "transfer" else 0.08, len(a))
        first, last = _dates(rng, len(a), span)
        pe = [e for e in planted if e["kind"] == kind]
        ka, kb = ("src", "dst") if kind == "transfer" else ("a", "b")
        a = np.concatenate([a, np.array([index[e[ka]] for e in pe], dtype=np.int64)])
        b = np.concatenate([b, np.array([index[e[kb]] for e in pe], dtype=np.int64)])
        cnt = np.concatenate([cnt, np.array([e["count"] for e in pe], dtype=np.int64)])
        first = np.concatenate([first, np.array([e["first_date"] for e in pe], dtype="datetime64[D]")])
        last = np.concatenate([last, np.array([e["last_date"] for e in pe], dtype="datetime64[D]")])
        cols: dict[str, Any] = {ka: take(a), kb: take(b)}
        if kind == "transfer":
            amount = np.round(rng.lognormal(7.5, 1.4, len(cnt) - len(pe)) * cnt[: len(cnt) - len(pe)], -1)
            cols["amount_yuan"] = np.concatenate([amount, np.array([e["amount_yuan"] for e in pe], dtype=float)])
            cols["count"] = cnt
        else:
            cols["count"] = cnt
            secs = (cnt[: len(cnt) - len(pe)] * rng.gamma(2.0, 50.0, len(cnt) - len(pe))).astype(np.int64)
            cols["total_seconds"] = np.concatenate([secs, np.array([e["total_seconds"] for e in pe], np.int64)])
        cols["first_date"] = pa.array(first)
        cols["last_date"] = pa.array(last)
        counts[fname] = _write(pa.table(cols), out_dir / f"{fname}.parquet")
    return counts
