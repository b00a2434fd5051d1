"""Planted truth (植入的真值): umbrellas behind gang cases, gang companies, duplicate person records.

For a third of the gang cases, 1–3 officials are tied to the gang by the kinds of evidence an investigation
finds — kinship (亲属), money transfers (资金往来), company shares (入股) and calls (通话) — and the ties are
recorded as ground truth so the relationship analysis can be scored. Officials are chosen to fit: police of
the gang's county (警伞), leaders of its town or county (官伞), regulators of its sector (庸伞/懒伞).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sanwang.scenario.gangs import Gang
from sanwang.scenario.model import OfficialSpec
from sanwang.scenario.names import name_variant, reformat_phone
from sanwang.scenario.officials import OfficialMeta
from sanwang.scenario.people import PersonFactory

_INDUSTRY = {
    "建筑工程": "建筑工程", "交通运输": "运输", "矿产": "矿业", "土地": "房地产开发", "市场": "农贸市场管理",
    "金融放贷": "投资咨询", "娱乐场所": "娱乐", "砂石": "砂石", "农村基层": "农业开发",
}  # fmt: skip
_WORDS = "鑫盛恒通宏达兴隆金源富民顺发众诚华泰永祥天成博远"
# Which regulator's sector a gang sector falls under (for 庸伞/懒伞).
_SECTOR_FIT = {"矿产": ("矿产", "土地"), "土地": ("土地",), "砂石": ("砂石",), "娱乐场所": ("娱乐场所", "市场")}


@dataclass
class Planted:
    """Everything planted, kept in ``Scenario.ground_truth`` (keys starting with ``_`` are internal)."""

    umbrellas: list[dict[str, Any]] = field(default_factory=list)
    companies: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)  # duplicate person records
    edges: list[dict[str, Any]] = field(default_factory=list)  # every planted edge, umbrella or not


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def gang_companies(rng: random.Random, gangs: list[Gang], planted: Planted) -> None:
    """One or two companies per gang, controlled by its leader, with core members as holders."""
    for g in gangs:
        members = g.spec.members
        for _ in range(rng.choice((1, 1, 2))):
            cid = f"C{len(planted.companies) + 1:07d}"
            sector = g.spec.sectors[0]
            name = f"{g.county.short}{rng.choice(_WORDS)}{rng.choice(_WORDS)}{_INDUSTRY.get(sector, '商贸')}有限公司"
            since = g.spec.filed_on - timedelta(days=rng.randint(400, 3000))
            roles: list[dict[str, Any]] = [
                {"person_id": members[0].person_id, "role": "实际控制人", "share": 0.0, "since": since}
            ]
            front = members[1] if len(members) > 1 else members[0]
            roles.append({"person_id": front.person_id, "role": "法定代表人", "share": 0.3, "since": since})
            for m in members[1:4]:
                roles.append({"person_id": m.person_id, "role": "股东", "share": 0.1, "since": since})
            planted.companies.append({"company_id": cid, "company_name": name, "gang": g.spec.police_number,
                                      "roles": roles})  # fmt: skip


def _candidates(
    g: Gang, officials: list[OfficialSpec], meta: list[OfficialMeta], by_county: dict[str, list[int]]
) -> dict[str, list[int]]:
    """Officials who fit each umbrella type for this gang."""
    fit_sectors = {s for sec in g.spec.sectors for s in _SECTOR_FIT.get(sec, (sec,))}
    out: dict[str, list[int]] = {"警伞": [], "官伞": [], "庸伞": []}
    for i in by_county.get(g.county.code, []):
        m, o = meta[i], officials[i]
        if m.kind in ("police", "station") and o.rank != "其他":
            out["警伞"].append(i)
        elif m.kind == "leadership" or (m.kind in ("town", "village") and m.town == g.town):
            out["官伞"].append(i)
        elif m.kind == "bureau" and o.sector in fit_sectors and o.rank != "一般干部":
            out["庸伞"].append(i)
    return out


def umbrellas(
    rng: random.Random,
    factory: PersonFactory,
    gangs: list[Gang],
    officials: list[OfficialSpec],
    meta: list[OfficialMeta],
    end: date,
    planted: Planted,
) -> None:
    """Plant 1–3 umbrella officials for every third gang case, with their evidence edges."""
    by_county: dict[str, list[int]] = {}
    for i, m in enumerate(meta):
        by_county.setdefault(m.county, []).append(i)
    companies = {c["gang"]: c for c in planted.companies}
    used: set[int] = set()
    for n, g in enumerate(gangs):
        if n % 3 != 0:
            continue
        cands = _candidates(g, officials, meta, by_county)
        members = g.spec.members
        leader = members[0]
        start = g.spec.filed_on - timedelta(days=900)
        for _ in range(rng.choice((1, 1, 2, 3))):
            kinds = [k for k in ("警伞", "官伞", "庸伞") if [i for i in cands[k] if i not in used]]
            if not kinds:
                break
            utype = rng.choices(kinds, weights=[{"警伞": 4, "官伞": 4, "庸伞": 3}[k] for k in kinds])[0]
            idx = rng.choice([i for i in cands[utype] if i not in used])
            used.add(idx)
            if utype == "庸伞" and rng.random() < 0.5:
                utype = "懒伞"
            o = officials[idx]
            items = {
                "警伞": ["通风报信", "纵容包庇", "收受好处"],
                "官伞": ["出资分红", "站台撑腰", "收受好处", "阻挠查处"],
                "庸伞": ["纵容包庇"],
                "懒伞": ["有案不查"],
            }[utype]
            typology = sorted(rng.sample(items, k=min(len(items), rng.randint(1, 2))), key=items.index)
            if utype in ("警伞", "官伞"):
                typology.append("充当保护伞")
            edges: list[dict[str, Any]] = []
            kin = ""
            if rng.random() < 0.45:
                kin = "姻亲"
                member = rng.choice(members)
                edges.append({"kind": "kinship", "a": o.person_id, "b": member.person_id, "relation": kin})
            spouse = None
            if "出资分红" in typology or rng.random() < 0.3:
                spouse = factory.new(o.region_code, "relative", age=(25, 60), sex="女" if rng.random() < 0.8 else "男")
                edges.append({"kind": "kinship", "a": o.person_id, "b": spouse.person_id, "relation": "配偶"})
                comp = companies[g.spec.police_number]
                share = round(rng.uniform(0.05, 0.3), 2)
                role = {"person_id": spouse.person_id, "role": "股东", "share": share,
                        "since": _day(rng, start, g.spec.filed_on)}  # fmt: skip
                comp["roles"].append(role)
                edges.append({"kind": "company", "company_id": comp["company_id"], "person_id": spouse.person_id,
                              "role": "股东", "share": share})  # fmt: skip
            first = _day(rng, start, g.spec.filed_on - timedelta(days=60))
            last = min(end, g.spec.filed_on + timedelta(days=rng.randint(-30, 20)))
            if "收受好处" in typology or "出资分红" in typology or rng.random() < 0.5:
                dst = spouse.person_id if spouse and rng.random() < 0.5 else o.person_id
                count = rng.randint(2, 15)
                edges.append({"kind": "transfer", "src": leader.person_id, "dst": dst,
                              "amount_yuan": count * rng.randint(5, 60) * 1000, "count": count,
                              "first_date": first, "last_date": last})  # fmt: skip
            if "通风报信" in typology or rng.random() < 0.7:
                count = rng.randint(15, 300)
                edges.append({"kind": "call", "a": o.person_id, "b": leader.person_id, "count": count,
                              "total_seconds": count * rng.randint(40, 240), "first_date": first,
                              "last_date": last})  # fmt: skip
            planted.edges.extend(edges)
            planted.umbrellas.append(
                {
                    "gang_case": g.spec.police_number,
                    "gang_name": g.spec.name,
                    "official": o.person_id,
                    "name": o.name,
                    "employer": o.employer,
                    "position": o.position,
                    "type": utype,
                    "typology": typology,
                    "kin": kin,
                    "edges": edges,
                }
            )


_SOURCES = ("工商登记", "银行开户", "通信登记", "户籍", "社保")


def duplicate_records(
    rng: random.Random, people: list[tuple[str, str, str, str]], share: float, planted: Planted
) -> None:
    """Second records of ~``share`` of ``people`` (person_id, name, id_number, phone) as other sources hold them."""
    for pid, name, idn, ph in rng.sample(people, k=max(1, int(len(people) * share))):
        style = rng.randrange(4)
        if style == 0:
            id_text = ""  # the source never asked for it
        elif style == 1 and idn[6:8] == "19":
            id_text = idn[:6] + idn[8:17]  # the old 15-digit form (一代证)
        elif style == 2:
            id_text = f"{idn[:6]} {idn[6:14]} {idn[14:]}".lower()
        else:
            id_text = idn
        new_name = name_variant(rng, name) if style != 0 or rng.random() < 0.7 else name
        new_phone = (
            reformat_phone(rng, ph) if rng.random() < 0.5 else f"1{rng.randrange(3, 9)}{rng.randrange(10**9):09d}"
        )
        rid = f"R{len(planted.records) + 1:07d}"
        planted.records.append({"person_id": rid, "name": new_name, "id_number": id_text, "phone": new_phone,
                                "source": rng.choice(_SOURCES), "true_person_id": pid})  # fmt: skip
