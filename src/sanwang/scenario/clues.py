"""Problem clues (问题线索): who reports what, through which channel, and when.

Three kinds of matter: gang crime (涉黑涉恶, naming gang members and the sector), umbrella suspicion (保护伞,
naming officials with misconduct wording; the planted umbrellas are true, the rest mostly not) and ordinary
complaints against officials. Channels follow the kind (12337 and petitions most; 公安机关移送 for gang cases;
分析研判 for what the network analysis raised). About 3% of matters are reported twice through two channels
with reworded text (重复件), and every clue gets a fate (see ``fate``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sanwang.domain.regions import region_table
from sanwang.domain.vocab import channels
from sanwang.scenario.fate import FateInput, build_fate
from sanwang.scenario.gangs import Gang
from sanwang.scenario.model import ClueSpec, OfficialSpec, SubjectSpec
from sanwang.scenario.names import full_name
from sanwang.scenario.officials import OfficialMeta
from sanwang.scenario.people import PersonFactory
from sanwang.scenario.places import County
from sanwang.scenario.script import damage, to_traditional
from sanwang.scenario.texts import Matter, ordinary_acts, render
from sanwang.scenario.units import Organisation

# Relative weights of channels by kind of matter.
_CHANNELS: dict[str, dict[str, float]] = {
    "ordinary": {"信访举报": 30, "来访": 8, "电话举报": 7, "网络举报": 15, "12337平台": 3, "上级交办": 6,
                 "巡视巡察移交": 8, "审计移送": 4, "派驻监督发现": 6, "媒体曝光": 3, "大起底": 4, "自行发现": 5,
                 "检察院移送": 0.5, "法院移送": 0.5, "督导组转办": 1},
    "gang": {"12337平台": 35, "信访举报": 15, "公安机关移送": 15, "督导组转办": 8, "网络举报": 8, "电话举报": 5,
             "来访": 4, "大起底": 5, "检察院移送": 2, "法院移送": 2, "上级交办": 1, "媒体曝光": 1},
    "umbrella": {"公安机关移送": 25, "12337平台": 15, "信访举报": 12, "督导组转办": 10, "分析研判": 8,
                 "检察院移送": 5, "法院移送": 4, "大起底": 6, "上级交办": 5, "巡视巡察移交": 4, "网络举报": 4,
                 "自行发现": 2},
}  # fmt: skip
PUBLIC = ("信访举报", "来访", "电话举报", "网络举报", "12337平台")
# Organs that only see a gang case once the police have filed it: days from filing to their stage.
_AFTER_FILING = {"公安机关移送": 0, "检察院移送": 120, "法院移送": 240}
# (matter, subjects, gang, registering unit, received, whether true, channel)
Made = tuple[Matter, tuple[SubjectSpec, ...], Gang | None, str, date, bool, str]


@dataclass
class ClueContext:
    """Everything clue generation draws on."""

    rng: random.Random
    factory: PersonFactory
    org: Organisation
    counties: dict[str, County]
    officials: list[OfficialSpec]
    meta: list[OfficialMeta]
    gangs: list[Gang]
    umbrellas: list[dict[str, Any]]
    start: date
    end: date


def _subject(o: OfficialSpec, with_id: bool) -> SubjectSpec:
    return SubjectSpec(o.name, o.employer, o.position, o.id_number if with_id else None, o.rank, o.person_id)


def _commission_for(ctx: ClueContext, region: str, ranks: list[str]) -> str:
    """The registering commission: the subject's region, one level up for 县处级 and above (管辖)."""
    table = region_table()
    if any(r in ("县处级", "厅局级", "省部级") for r in ranks) and table.level(region) == "county":
        region = table.parent(region) or region
    code = f"{region}-JW"
    return code if code in ctx.org.staff else next(iter(ctx.org.staff))


class _Builder:
    def __init__(self, ctx: ClueContext) -> None:
        self.ctx = ctx
        self.codes = {ch.name: ch.code for ch in channels().channels}
        self.seq = 0
        self.clues: list[ClueSpec] = []
        self.pairs: list[tuple[str, str]] = []
        self.officials_by_id = {o.person_id: i for i, o in enumerate(ctx.officials)}
        self.matters: dict[str, Matter] = {}
        self.matter_ids: dict[int, int] = {}  # id(matter) → its number in order of first report
        self.by_county: dict[str, list[int]] = {}
        for i, meta in enumerate(ctx.meta):
            self.by_county.setdefault(meta.county, []).append(i)
        self.gang_by_number = {g.spec.police_number: g for g in ctx.gangs}

    def _date(self, lo: date, hi: date) -> date:
        hi = min(hi, self.ctx.end)
        lo = min(max(lo, self.ctx.start), hi)
        return lo + timedelta(days=self.ctx.rng.randrange((hi - lo).days + 1))

    def _matter(self, kind: str, county: County, year: int) -> Matter:
        rng = self.ctx.rng
        town = rng.choice(county.towns)
        village = rng.choice(county.villages[town])
        return Matter(kind, f"{county.name}{town}{village}", town, village, year, amount=rng.choice((2, 3, 5, 8, 10,
                      20, 30, 50)), victim=full_name(rng)[0], relative=full_name(rng)[0])  # fmt: skip

    def emit(self, m: Matter, subjects: tuple[SubjectSpec, ...], channel: str, received: date, unit: str,
             gang: Gang | None, true: bool, duplicate_of: str | None = None) -> ClueSpec:  # fmt: skip
        ctx, rng = self.ctx, self.ctx.rng
        real = channel in PUBLIC and rng.random() < 0.66
        region = unit.split("-")[0]
        reporter = ctx.factory.new(region, "reporter", age=(20, 75)) if real else None
        org_names = {
            "police": f"{region_table().name(gang.spec.region_code) if gang else region_table().name(region)}公安局",
            "procuratorate": f"{region_table().name(region)}人民检察院",
            "court": f"{region_table().name(region)}人民法院",
            "inspection": f"中共{region_table().name(region)}委巡察组",
        }
        text = render(rng, m, channel, reporter.name if reporter else None, org_names)
        script: str = "simplified"
        damaged = False
        roll = rng.random()
        if roll < 0.15:
            text, script = to_traditional(text), "traditional"
            if roll < 0.03:
                text, damaged = damage(rng, text), True
        self.seq += 1
        ref = f"{self.codes[channel]}{received.year}{self.seq:06d}"
        lower = None
        if region_table().level(region) != "county":
            lowers = [s for s in ctx.org.staff if s.startswith(region[:4]) and s != unit and s[4:6] != "00"]
            lower = rng.choice(lowers) if lowers else None
        fi = FateInput(
            received=received,
            real_name=real,
            kind=m.kind,
            true=true,
            staff=ctx.org.staff[unit],
            subject_count=len(subjects),
            police_unit=ctx.org.police.get(region, next(iter(ctx.org.police.values()))),
            lower_unit=lower,
            regulators=ctx.org.regulators.get(region, []),
            duplicate_of=duplicate_of,
        )
        clue = ClueSpec(
            kind=m.kind,
            matter=self.matter_ids.setdefault(id(m), len(self.matter_ids) + 1),
            external_ref=ref,
            unit_code=unit,
            channel=channel,
            received=received,
            real_name=real,
            reporter_name=reporter.name if reporter else None,
            reporter_id_number=reporter.id_number if reporter else None,
            reporter_phone=reporter.phone if reporter else None,
            subjects=subjects,
            summary=text,
            script="traditional" if script == "traditional" else "simplified",
            damaged=damaged,
            gang_case=gang.spec.police_number if gang else None,
            fate=build_fate(rng, fi, ctx.end),
        )
        self.clues.append(clue)
        self.matters[ref] = m
        return clue

    def channel(self, kind: str) -> str:
        weights = _CHANNELS[kind]
        return self.ctx.rng.choices(list(weights), weights=list(weights.values()))[0]

    def umbrella(self, u: dict[str, Any] | None) -> Made:
        ctx, rng = self.ctx, self.ctx.rng
        if u is not None:
            gang = self.gang_by_number[u["gang_case"]]
            officials = [ctx.officials[self.officials_by_id[u["official"]]]]
            acts, kin, true = list(u["typology"]), u["kin"], True
        else:
            gang = rng.choice(ctx.gangs)
            local = self.by_county.get(gang.county.code, [])
            officials = [ctx.officials[rng.choice(local or range(len(ctx.officials)))]]
            acts, kin, true = [rng.choice(("充当保护伞", "收受好处", "有案不查", "纵容包庇"))], "", False
        channel = self.channel("umbrella")
        lo = gang.spec.filed_on + timedelta(days=_AFTER_FILING.get(channel, 0)) if channel in _AFTER_FILING \
            or channel == "分析研判" else ctx.start  # fmt: skip
        received = self._date(lo, lo + timedelta(days=400))
        m = self._matter("umbrella", gang.county, received.year)
        m.subjects = [(o.name, o.employer, o.position) for o in officials]
        m.gang_name, m.leader, m.sector, m.acts, m.kin = gang.spec.name, gang.spec.members[0].name, \
            gang.spec.sectors[0], acts, kin  # fmt: skip
        m.members = [x.name for x in gang.spec.members[1:4]]
        subjects = tuple(_subject(o, channel not in PUBLIC or rng.random() < 0.1) for o in officials)
        unit = _commission_for(ctx, gang.spec.region_code, [o.rank for o in officials])
        return m, subjects, gang, unit, received, true, channel

    def gang(self) -> Made:
        ctx, rng = self.ctx, self.ctx.rng
        gang = rng.choice(ctx.gangs)
        channel = self.channel("gang")
        if channel in _AFTER_FILING:
            lo = gang.spec.filed_on + timedelta(days=_AFTER_FILING[channel])
            received = self._date(lo, lo + timedelta(days=30))
        else:
            received = self._date(ctx.start, gang.spec.filed_on + timedelta(days=200))
        m = self._matter("gang", gang.county, received.year)
        m.town = gang.town
        m.gang_name, m.leader, m.sector = gang.spec.name, gang.spec.members[0].name, rng.choice(gang.spec.sectors)
        m.members = [x.name for x in gang.spec.members[1:6]]
        named = gang.spec.members[: rng.randint(1, min(3, len(gang.spec.members)))]
        with_id = channel not in PUBLIC
        subjects = tuple(
            SubjectSpec(x.name, "", "", x.id_number if with_id else None, "其他", x.person_id) for x in named
        )
        return m, subjects, gang, gang.spec.commission_unit_code, received, True, channel

    def ordinary(self) -> Made:
        ctx, rng = self.ctx, self.ctx.rng
        received = self._date(ctx.start, ctx.end)
        first = rng.randrange(len(ctx.officials))
        picked = [first]
        if rng.random() < 0.3:
            # Co-subjects usually work in the same place.
            same = [i for i in range(max(0, first - 30), min(len(ctx.officials), first + 30))
                    if ctx.officials[i].employer == ctx.officials[first].employer and i != first]  # fmt: skip
            picked += rng.sample(same, k=min(len(same), rng.randint(1, 2)))
        officials = [ctx.officials[i] for i in picked]
        county = ctx.counties.get(ctx.meta[first].county) or rng.choice(list(ctx.counties.values()))
        m = self._matter("ordinary", county, received.year)
        m.acts = ordinary_acts(rng)
        subjects = [_subject(o, rng.random() < 0.1) for o in officials]
        if rng.random() < 0.08:
            # Someone the registry does not know (a contractor, a former cadre).
            name = full_name(rng)[0]
            subjects.append(SubjectSpec(name, rng.choice(("", "个体户", "某工程公司")), "", None, "其他", None))
        m.subjects = [(s.name, s.unit_name, s.position) for s in subjects]
        unit = _commission_for(ctx, officials[0].region_code, [o.rank for o in officials])
        return m, tuple(subjects), None, unit, received, rng.random() < 0.3, self.channel("ordinary")


def build_clues(ctx: ClueContext, count: int) -> tuple[list[ClueSpec], list[tuple[str, str]]]:
    """``count`` clues (duplicates included) and the planted duplicate pairs (external refs)."""
    b = _Builder(ctx)
    rng = ctx.rng
    n_dup = int(count * 0.03)
    # Each planted umbrella is reported once or twice; the rest is drawn by kind.
    plan: list[tuple[str, dict[str, Any] | None]] = [("U", u) for u in ctx.umbrellas for _ in range(rng.randint(1, 2))]
    rest = max(0, count - n_dup - len(plan))
    plan += [(k, None) for k in rng.choices(("gang", "umbrella", "ordinary"), weights=(25, 5, 70), k=rest)]
    for kind, u in plan:
        made = b.umbrella(u) if kind in ("U", "umbrella") else (b.gang() if kind == "gang" else b.ordinary())
        m, subjects, gang, unit, received, true, channel = made
        b.emit(m, subjects, channel, received, unit, gang, true)
    # Duplicates: the same matter again through another channel, a little later, in other words.
    for orig in rng.sample(b.clues, k=min(n_dup, len(b.clues))):
        m = replace(b.matters[orig.external_ref])
        b.matter_ids[id(m)] = orig.matter  # a copy of the facts: the same matter
        channel = b.channel(m.kind)
        while channel == orig.channel:
            channel = b.channel(m.kind)
        received = min(ctx.end, orig.received + timedelta(days=rng.randint(1, 60)))
        gang = b.gang_by_number.get(orig.gang_case or "")
        dup = b.emit(m, orig.subjects, channel, received, orig.unit_code, gang, rng.random() < 0.5,
                     duplicate_of=orig.external_ref)  # fmt: skip
        b.pairs.append((orig.external_ref, dup.external_ref))
    b.clues.sort(key=lambda c: (c.received, c.external_ref))
    return b.clues, b.pairs
