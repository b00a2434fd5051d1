"""Clue summaries (问题摘要) written the way real reports read.

A clue's facts are held in a ``Matter`` (who, where, what, which gang); ``render`` turns a matter into text
through a channel-specific opening (来信反映 / 公安机关在侦办…过程中发现 / 经大数据比对分析发现 ...) and a body
drawn from varied templates. Rendering the same matter twice with different draws gives the reworded text of a
duplicate report (重复件) arriving through a second channel.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SECTOR_ACTS: dict[str, tuple[str, ...]] = {
    "建筑工程": ("强揽工程、强行承包土石方工程", "垄断当地建筑工程，强行向施工方供应建材", "在工地强买强卖、阻工闹事"),
    "交通运输": ("垄断{town}至县城的客运线路", "强行向营运车辆收取“管理费”", "控制货运市场，排挤其他车主"),
    "矿产": ("非法开采煤矿、铅锌矿", "霸占矿山非法采矿", "强占他人矿井，暴力阻挠执法"),
    "土地": ("强迫村民低价流转土地", "非法占用耕地建房出售", "插手征地拆迁，强行索要补偿款"),
    "市场": ("欺行霸市，强收摊位“保护费”", "垄断农贸市场蔬菜、猪肉批发", "强迫商户购买其商品"),
    "金融放贷": ("以“套路贷”方式发放高利贷", "非法放贷并暴力催收", "发放高利贷后非法拘禁借款人逼债"),
    "娱乐场所": ("开设赌场、组织聚众赌博", "经营KTV并容留他人吸毒", "在娱乐场所强收“看场费”"),
    "砂石": ("非法盗采河道砂石", "垄断砂石料供应，哄抬价格", "强行霸占砂场"),
    "农村基层": ("操纵村委会换届选举", "把持村务，侵占集体资产", "以暴力威胁干扰基层选举"),
}
_VIOLENCE = (
    "多次纠集人员殴打他人",
    "对不服从者采取威胁、恐吓、非法拘禁等手段",
    "寻衅滋事、敲诈勒索",
    "曾将村民{victim}打成重伤",
    "致多名群众受伤",
    "持刀砍伤与其发生纠纷的{victim}",
)
_GANG_ENDINGS = ("群众敢怒不敢言，请求依法严惩。", "当地群众苦不堪言。", "希望组织彻查。", "", "请求扫黑办依法打击。")
UMBRELLA_ACTS: dict[str, tuple[str, ...]] = {
    "出资分红": ("在{leader}的公司出资入股，每年分红{amount}万元", "以其亲属名义在{leader}控制的企业入股分红"),
    "纵容包庇": ("对{leader}团伙的违法行为长期纵容包庇，群众报警后不予处理", "包庇{leader}手下{member}，使其逃避处罚"),
    "通风报信": ("在公安机关开展专项行动前向{leader}通风报信，致其成员逃匿", "多次向{leader}透露案件查办情况"),
    "充当保护伞": ("为{leader}团伙充当“保护伞”", "充当黑恶势力“保护伞”，为{leader}撑腰"),
    "有案不查": ("群众多次举报{leader}团伙，{official}有案不查、压案不办", "对{leader}团伙的违法行为不立案、不查处"),
    "阻挠查处": ("在执法部门查处{leader}时出面打招呼、阻挠查处",),
    "站台撑腰": ("多次出席{leader}公司活动，为其站台撑腰",),
    "收受好处": ("收受{leader}所送现金{amount}万元", "逢年过节收受{leader}的好处费"),
    "打击报复": ("对举报{leader}团伙的群众进行打击报复",),
    "开脱罪责": ("在办案中帮助{member}开脱罪责",),
    "监管不力": ("对辖区内{leader}团伙{act}问题长期不作为、监管缺失", "对{leader}{act}的问题视而不见、放任不管"),
}
_RELATIONS = (
    "与{leader}来往密切，经常一起吃饭喝酒",
    "与{leader}系{kin}关系",
    "长期与{leader}称兄道弟",
    "的亲属在{leader}控制的公司任职",
    "",
)
_ORDINARY = (
    "在低保评定中优亲厚友，将其亲属{relative}纳入低保",
    "违规收受工程老板礼金{amount}万元",
    "利用职务之便，在{town}道路硬化项目中为亲属承揽工程",
    "长期公款吃喝，在县城饭店违规报销餐费",
    "违规操办儿子婚宴，收受下属及管理服务对象礼金",
    "侵占扶贫资金{amount}万元",
    "截留挪用{village}征地补偿款",
    "工作作风粗暴，群众办事多次遭其刁难",
    "违规发放津贴补贴",
    "在精准扶贫识别中弄虚作假，将不符合条件的亲友纳入建档立卡户",
    "违规占用耕地建房",
    "上班时间经常打牌赌博",
    "私设“小金库”",
    "违规使用公车办私事",
    "在{village}集体资产出租中暗箱操作",
    "收受好处后违规为他人办理不动产登记",
    "在执法中吃拿卡要",
    "对群众反映的问题推诿扯皮、不作为",
    "在危房改造补助发放中收取“好处费”",
    "违规插手{town}农贸市场改造工程招投标",
)
_ORDINARY_ENDINGS = ("请组织调查处理。", "望查实严处。", "以上问题群众反映强烈。", "", "请求上级纪委监委核查。")


@dataclass
class Matter:
    """The facts of a reported matter; the same matter may be rendered by several reports."""

    kind: str  # gang, umbrella, ordinary
    place: str  # 县+镇+村, e.g. 镇雄县花坪镇龙塘村
    town: str
    village: str
    year: int
    subjects: list[tuple[str, str, str]] = field(default_factory=list)  # (name, employer, position)
    gang_name: str = ""
    leader: str = ""
    members: list[str] = field(default_factory=list)
    sector: str = ""
    acts: list[str] = field(default_factory=list)  # umbrella typology items or ordinary matter templates
    kin: str = ""
    amount: int = 0
    victim: str = ""
    relative: str = ""
    act: str = ""  # the gang's business, fixed at first rendering so every report of it agrees


def _fill(template: str, m: Matter, official: str = "") -> str:
    act = SECTOR_ACTS.get(m.sector, ("违法经营",))[0].format(town=m.town)
    return template.format(
        leader=m.leader,
        member=m.members[0] if m.members else m.leader,
        amount=m.amount,
        official=official,
        kin=m.kin or "亲戚",
        town=m.town,
        village=m.village,
        victim=m.victim,
        relative=m.relative,
        act=act,
    )


def _who(rng: random.Random, name: str, employer: str, position: str) -> str:
    if not employer:
        return name
    style = rng.randrange(3)
    if style == 0:
        return f"{employer}{position}{name}"
    if style == 1:
        return f"{name}（{employer}{position}）"
    return f"{position}{name}"


def opening(rng: random.Random, channel: str, m: Matter, reporter: str | None, org_names: dict[str, str]) -> str:
    """The first words of a report, by channel and by whether the reporter gives a name."""
    if channel in ("信访举报", "来访", "电话举报", "网络举报", "12337平台"):
        if reporter:
            return rng.choice(
                (
                    f"本人{reporter}，系{m.place}村民，现实名举报：",
                    f"我叫{reporter}，家住{m.place}，",
                    f"实名举报人{reporter}反映：",
                )
            )
        generic = {
            "来访": "群众来访反映，",
            "电话举报": "群众来电称，",
            "网络举报": "网民反映：",
            "12337平台": "12337平台匿名举报：",
        }
        return rng.choice((generic.get(channel, "群众来信反映："), "有群众匿名反映，", "匿名举报："))
    gang = m.gang_name or "一起涉恶案件"
    fixed = {
        "公安机关移送": f"{org_names['police']}在侦办{gang}过程中发现，",
        "检察院移送": f"{org_names['procuratorate']}在审查起诉{gang}过程中发现，",
        "法院移送": f"{org_names['court']}在审理{gang}过程中发现，",
        "督导组转办": "中央扫黑除恶第20督导组转办群众举报：",
        "上级交办": rng.choice(("省纪委监委交办：", "上级纪委监委交办件，反映")),
        "巡视巡察移交": f"{org_names['inspection']}在巡察中发现，",
        "审计移送": f"审计机关在{m.year}年度财政收支审计中发现，",
        "派驻监督发现": "派驻纪检监察组在日常监督中发现，",
        "媒体曝光": rng.choice(("有网帖反映，", "媒体报道称，")),
        "大起底": f"在对涉黑涉恶信访件大起底排查中发现，{m.year - rng.randint(1, 4)}年曾有群众反映",
        "自行发现": "在监督检查中发现，",
        "分析研判": "经大数据比对分析发现，",
    }
    return fixed.get(channel, "反映：")


def render(rng: random.Random, m: Matter, channel: str, reporter: str | None, org_names: dict[str, str]) -> str:
    """A summary of ``m`` as a report through ``channel`` would word it."""
    head = opening(rng, channel, m, reporter, org_names)
    parts: list[str] = []
    if m.kind in ("gang", "umbrella") and m.leader:
        group = rng.choice(("黑恶势力团伙", "涉黑涉恶团伙", "恶势力团伙", "团伙"))
        if not m.act:
            m.act = _fill(rng.choice(SECTOR_ACTS.get(m.sector, ("违法经营",))), m)
        act = m.act
        violence = _fill(rng.choice(_VIOLENCE), m)
        if m.kind == "gang" or rng.random() < 0.5:
            where = rng.choice(("当地", "我村", "村里")) if m.place in head else m.place
            parts.append(f"{where}以{m.leader}为首的{group}长期{act}，{violence}")
            if m.members and rng.random() < 0.8:
                named = "、".join(m.members[: rng.randint(1, min(3, len(m.members)))])
                parts.append(f"其成员{named}等人{rng.choice(('充当打手', '负责催收', '多次参与', '为其出谋划策'))}")
    for name, employer, position in m.subjects if m.kind != "gang" else []:
        who = _who(rng, name, employer, position)
        if m.kind == "umbrella":
            relation = _fill(rng.choice(_RELATIONS), m)
            acts = "，".join(_fill(rng.choice(UMBRELLA_ACTS[a]), m, name) for a in m.acts if a in UMBRELLA_ACTS)
            parts.append(f"{who}{relation}，{acts}" if relation else f"{who}{acts}")
        else:
            acts = "，".join(_fill(a, m) for a in m.acts)
            parts.append(f"{who}{rng.choice(('', f'{m.year}年', '任职期间', '长期'))}{acts}")
    if not parts:
        parts.append(f"{m.place}有人{_fill(rng.choice(SECTOR_ACTS['市场']), m)}")
    ending = rng.choice(_GANG_ENDINGS if m.kind != "ordinary" else _ORDINARY_ENDINGS)
    return head + "；".join(parts) + "。" + ending


def ordinary_acts(rng: random.Random) -> list[str]:
    """One or two ordinary misconduct templates (not gang-related)."""
    return rng.sample(_ORDINARY, k=rng.choice((1, 1, 2)))
