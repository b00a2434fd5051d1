"""Realistic synthetic clues: Chinese names and summaries, valid ID numbers, mixed channels and date styles.

The same generator feeds the import CSV (as a ledger clerk would type it) and the ClueDrafts that populate the
query ledger, so both benchmarks store the same kind of rows.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sanwang.domain.idnumber import make_id_number
from sanwang.domain.vocab import channels
from sanwang.services.clues import ClueDraft, SubjectDraft
from sanwang.services.imports import HEADERS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌志荣海波云峰德林春燕晓东永红光辉"
EMPLOYERS = (
    "县国土资源局", "县公安局", "镇人民政府", "县交通运输局", "县住房和城乡建设局", "县水务局", "村民委员会",
    "县市场监督管理局", "县教育体育局", "县自然资源局", "县林业和草原局", "派出所", "县农业农村局", "县财政局",
)  # fmt: skip
POSITIONS = (
    "局长",
    "副局长",
    "所长",
    "镇长",
    "党委书记",
    "村支书",
    "村主任",
    "科长",
    "副科长",
    "队长",
    "主任",
    "副主任",
)
OPENINGS = (
    "群众来信反映，", "实名举报人称，", "据反映，", "匿名来信反映，", "举报人通过12337平台反映，",
    "公安机关在侦办涉黑涉恶案件中发现，", "巡察组移交线索反映，", "网民在网络举报平台反映，",
)  # fmt: skip
ACTS = (
    "利用职务便利为其亲属承揽工程项目提供帮助，收受对方所送现金及购物卡若干",
    "长期与当地涉恶团伙头目称兄道弟，多次参加其组织的宴请并接受礼金",
    "在征地拆迁补偿款发放过程中虚报冒领，侵占群众利益，群众多次上访未果",
    "对辖区内非法采砂、强揽工程等问题长期不作为，涉嫌为黑恶势力充当保护伞",
    "在低保、危房改造等民生资金审核中优亲厚友，违规为不符合条件的亲属办理",
    "收受他人贿赂后为其违规办理采矿许可证，致使国有资产流失",
    "在案件办理中违规插手干预，为涉案人员说情打招呼，帮助其逃避处罚",
    "多次在工作时间饮酒，违规接受管理服务对象安排的宴请和娱乐活动",
    "纵容其亲属在集贸市场欺行霸市、强买强卖，当地群众敢怒不敢言",
    "违规使用公车办私事，并将单位车辆长期借给涉恶人员使用",
    "在项目招投标过程中泄露标底，与投标人串通围标，从中收取好处费",
    "向涉恶团伙通风报信，致使多名犯罪嫌疑人在抓捕行动前逃匿",
)
CLOSINGS = (
    "请求组织调查核实，依纪依法严肃处理。", "以上问题群众反映强烈，恳请上级纪委监委彻查。",
    "举报人表示可提供相关证据材料，并愿意配合调查。", "相关情况已向有关部门反映，但至今未得到处理。",
    "希望纪委监委能够深挖彻查，还群众一个公道。",
)  # fmt: skip
FIRST_DAY = date(2018, 1, 1)
DAYS = (date(2020, 12, 31) - FIRST_DAY).days + 1


@dataclass(frozen=True)
class Fake:
    """One generated clue, in the fields of a ledger row."""

    ref: str
    channel_code: str
    channel_text: str
    received: date
    real_name: bool
    reporter_name: str | None
    reporter_id: str | None
    reporter_phone: str | None
    subjects: tuple[SubjectDraft, ...]
    summary: str


class Generator:
    """Deterministic per seed. ``regions`` are the county codes used in ID numbers."""

    def __init__(self, seed: int, regions: list[str]) -> None:
        self.rng = random.Random(seed)
        self.regions = regions
        self.channels = channels().channels
        # Skewed channel mix: letters, visits, 12337 and the web dominate, as in real intake.
        self.weights = [30, 12, 10, 15, 18, 6, 2, 1, 3, 3, 4, 2, 2, 1, 2, 1, 1][: len(self.channels)]
        self.weights += [1] * (len(self.channels) - len(self.weights))

    def name(self) -> str:
        r = self.rng
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + given

    def id_number(self) -> str:
        r = self.rng
        born = date(1955, 1, 1) + timedelta(days=r.randrange(40 * 365))
        return make_id_number(r.choice(self.regions), born, r.randrange(1000))

    def phone(self) -> str:
        r = self.rng
        return f"1{r.choice('3456789')}{r.randrange(10**9):09d}"

    def summary(self, subjects: tuple[SubjectDraft, ...]) -> str:
        r = self.rng
        who = "、".join(f"{s.unit_name or ''}{s.position or ''}{s.name}" for s in subjects)
        parts = [r.choice(OPENINGS), who]
        target = r.randint(100, 300)
        while sum(map(len, parts)) < target - 30:
            parts.append("，" + r.choice(ACTS))
        parts.append("。" + r.choice(CLOSINGS))
        return "".join(parts)[: max(target, 100)]

    def fake(self, i: int) -> Fake:
        r = self.rng
        ch = r.choices(self.channels, self.weights)[0]
        text = r.choice([ch.name, ch.name, ch.code, *ch.aliases])
        real = r.random() < 0.4
        subjects = tuple(
            SubjectDraft(
                name=self.name(),
                unit_name=r.choice(EMPLOYERS) if r.random() < 0.85 else None,
                position=r.choice(POSITIONS) if r.random() < 0.8 else None,
                id_number=self.id_number() if r.random() < 0.5 else None,
            )
            for _ in range(r.choices((1, 2, 3), (70, 22, 8))[0])
        )
        return Fake(
            ref=f"BJ-{i:07d}",
            channel_code=ch.code,
            channel_text=text,
            received=FIRST_DAY + timedelta(days=r.randrange(DAYS)),
            real_name=real,
            reporter_name=self.name() if real else None,
            reporter_id=self.id_number() if real and r.random() < 0.7 else None,
            reporter_phone=self.phone() if real else None,
            subjects=subjects,
            summary=self.summary(subjects),
        )

    def draft(self, i: int) -> ClueDraft:
        f = self.fake(i)
        return ClueDraft(
            channel=f.channel_code,
            received=f.received,
            real_name=f.real_name,
            summary=f.summary,
            subjects=f.subjects,
            reporter_name=f.reporter_name,
            reporter_id_number=f.reporter_id,
            reporter_phone=f.reporter_phone,
            external_ref=f.ref,
        )

    def row(self, i: int) -> list[str]:
        """A ledger row with the 12 headers of HEADERS, dates in the styles offices type."""
        f = self.fake(i)
        d = f.received
        style = self.rng.random()
        when = d.isoformat() if style < 0.7 else f"{d.year}/{d.month}/{d.day}" if style < 0.9 else f"{d:%Y年%-m月%-d日}"
        sub = f.subjects
        return [
            f.ref,
            f.channel_text,
            when,
            "是" if f.real_name else "否",
            f.reporter_name or "",
            f.reporter_id or "",
            f.reporter_phone or "",
            "、".join(s.name for s in sub),
            "、".join(s.unit_name or "" for s in sub) if any(s.unit_name for s in sub) else "",
            "、".join(s.position or "" for s in sub) if any(s.position for s in sub) else "",
            "、".join(s.id_number or "" for s in sub) if any(s.id_number for s in sub) else "",
            f.summary,
        ]


def write_ledger_csv(path: Path, count: int, seed: int, regions: list[str]) -> Path:
    gen = Generator(seed, regions)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS[:12])  # the twelve; the optional flag columns are left out
        for i in range(1, count + 1):
            w.writerow(gen.row(i))
    return path
