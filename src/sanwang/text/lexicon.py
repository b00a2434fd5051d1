"""Word lists (词表) the rule extractors and the gazetteer guard share: titles, roles, unit suffixes, function words.

All of them are closed lists written for the texts this system reads (letters, 12388 and 12337 reports, police
referrals), kept here as data so that a reviewer can read and extend them without touching the matching code.
Characters are those of simplified Chinese; the normaliser runs traditional→simplified before extraction.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from functools import cache
from pathlib import Path


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character (CJK unified ideographs and extension A, plus 〇)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "〇"


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: long word lists read better as one string than as a list."""
    return frozenset(text.split())


# Part-of-speech tags of jieba's dictionary that mark everyday words (verbs, nouns, adjectives, adverbs ...).
_EVERYDAY_TAGS = frozenset({"v", "vn", "vd", "a", "ad", "an", "d", "n", "c", "p", "l", "i"})
EVERYDAY_MIN_FREQ = 500


def _dictionary() -> Iterator[tuple[str, int, str]]:
    """(word, frequency, tag) of every line of jieba's dict.txt, read directly (no tokenizer start-up); nothing
    when jieba is not installed."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return
    with (Path(spec.origin).parent / "dict.txt").open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                yield parts[0], int(parts[1]), parts[2]


@cache
def everyday_words() -> frozenset[str]:
    """Common words of jieba's dictionary (an everyday tag and frequency ≥ 500): 合作, 资源, 友好, 通道 …

    A county whose short name is one of these (合作市, 资源县) is only recognised with its suffix. Empty when
    jieba is not installed.
    """
    return frozenset(w for w, freq, tag in _dictionary() if tag in _EVERYDAY_TAGS and freq >= EVERYDAY_MIN_FREQ)


@cache
def non_name_words(min_freq: int) -> frozenset[str]:
    """Words of jieba's dictionary at least ``min_freq`` frequent and not tagged as a person's name (nr…): what a
    name rule should not read as a name (时刻, 经济, 乘客). Empty when jieba is not installed."""
    return frozenset(w for w, freq, tag in _dictionary() if freq >= min_freq and not tag.startswith("nr"))


@cache
def compound_words() -> frozenset[str]:
    """Words of three or four characters in jieba's dictionary (frequency ≥ 10): 办事处, 保护伞, 强揽工程 … — what a
    learned two-character cue is shown as when it sits inside one. Empty when jieba is not installed."""
    return frozenset(w for w, freq, _ in _dictionary() if len(w) in (3, 4) and freq >= 10)


@cache
def short_words() -> frozenset[str]:
    """Words of two characters in jieba's dictionary (frequency ≥ 10): what a learned cue must be to be shown as
    itself. Empty when jieba is not installed."""
    return frozenset(w for w, freq, _ in _dictionary() if len(w) == 2 and freq >= 10)


def longest_first(words: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Words ordered for a regex alternation, longest first so that 副县长 is tried before 县长."""
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


# Official titles (职务). Closed list: a title not here is not a position. Titles that are also the tail of a
# longer one (局长 in 副局长, 书记 in 党委书记) are all listed; the regex tries the longest first.
POSITION_TITLES: frozenset[str] = frozenset(
    {
        # Party posts (党内职务)
        "书记",
        "副书记",
        "党委书记",
        "党委副书记",
        "党组书记",
        "党组副书记",
        "党工委书记",
        "纪委书记",
        "纪工委书记",
        "政法委书记",
        "党支部书记",
        "支部书记",
        "村党支部书记",
        "村支书",
        "村支部书记",
        "总支书记",
        "常委",
        "委员",
        # Government heads (政府首长)
        "省长",
        "副省长",
        "市长",
        "副市长",
        "常务副市长",
        "县长",
        "副县长",
        "常务副县长",
        "区长",
        "副区长",
        "镇长",
        "副镇长",
        "乡长",
        "副乡长",
        "村长",
        "村主任",
        "村委会主任",
        "居委会主任",
        "主任",
        "副主任",
        "常务副主任",
        "主席",
        "副主席",
        # Departments (部门)
        "厅长",
        "副厅长",
        "处长",
        "副处长",
        "局长",
        "副局长",
        "分局长",
        "科长",
        "副科长",
        "股长",
        "副股长",
        "部长",
        "副部长",
        "所长",
        "副所长",
        "站长",
        "副站长",
        "组长",
        "副组长",
        "秘书长",
        "主任科员",
        "调研员",
        "科员",
        # Police (公安)
        "队长",
        "副队长",
        "大队长",
        "副大队长",
        "中队长",
        "副中队长",
        "支队长",
        "副支队长",
        "总队长",
        "政委",
        "副政委",
        "教导员",
        "指导员",
        "警长",
        "民警",
        "辅警",
        "协警",
        "交警",
        "刑警",
        "特警",
        "干警",
        # Courts and procuratorates (法院、检察院)
        "院长",
        "副院长",
        "庭长",
        "副庭长",
        "审判长",
        "审判员",
        "书记员",
        "法官",
        "检察长",
        "副检察长",
        "检察官",
        "检察员",
        "监察官",
        # Village and grassroots (基层)
        "网格员",
        "护林员",
        "村医",
        # Companies (企业) — bosses of front companies matter in gang cases
        "董事长",
        "总经理",
        "副总经理",
    }
)

# A title ending in 长 followed by one of these characters is the adverb/adjective 长 of an ordinary word:
# 该局长期, 医院长达, 城市长大. 主任务 (main task) likewise is not 主任.
TITLE_BLOCKING_NEXT: dict[str, frozenset[str]] = {
    "长": frozenset("期久远达年时篇征城江河廊寿跑假效大满短处"),
    "任": frozenset("务"),
    "员": frozenset("会"),  # 委员会 is an organisation, not 委员
    "记": frozenset("载录得住"),  # 书记载 / 书记录 are not 书记
}

# A title whose first character, with the character before it, makes another word: 居民警惕 is not 民警,
# 移交警方 not 交警, 非常委屈 not 常委.
TITLE_BLOCKING_PREV: dict[str, frozenset[str]] = {
    "民": frozenset("居村农市人公网股渔牧灾移难选"),
    "交": frozenset("移提转递上成外社杂"),
    "常": frozenset("非经通寻异正平日反"),
    "干": frozenset("能若骨主树"),
}

# Everyday two-character words that begin with a surname character (张贴, 高兴, 关于 ...): after a role word they
# are the next words of the sentence, not a name (村民张贴告示).
NOT_NAME_WORDS: frozenset[str] = words(
    "张贴 张罗 高兴 高价 高利 高额 陈述 黄色 白天 白白 文明 方便 方式 方面 周围 马上 "
    "向来 于是 何时 任何 安全 安排 常常 余下 石头 江边 金钱 钱财 关于 关系 关心 管理 "
    "申请 明确 左右 许多 许可 应该 应当 计划 成为 成立 成功 时间 时候 车辆 路上 路过 "
    "项目 经过 经常 宁可 全部 全体 全家 强行 强迫 强制 齐心 连续 连夜 毛病 单独 单位 "
    "曾经 尚未 通过 谈话 谈判 解决 解释 杜绝 包括 包庇 包工 程序 凌晨 严重 严厉 武力 "
    "武器 施工 施压 师傅 孟浪 胡乱 胡说 花钱 花费 华丽 龙头 林地 林木 田地 叶子 毕业 "
    "史上 谢谢 游说 游戏 段时 熊市 罗列 梁上 苏醒 沈阳 韩国 杨柳 夏天 秋天 孙子 万一 "
    "万元 江湖 海上 海外 温和 康复 易于 乔装 殷切 章程 鲁莽 岳父 纪律 纪检 冷漠 冷静 "
    "席位 卫生 宗族 桂花 全面 应付 边界 师生 和解 和好 商量 商人 沙石 沙场 荣誉 巫术 "
    "郎中 甄别 仲裁 明白 明知 池塘 查处 查明 查封 查看 查实 麻将 迟到 封锁 谈及 匡扶 "
    "惠及 乐意 郁闷 南方 储蓄 原来 原因 原告 原本 燕子 劳务 劳动 皮肤 满意 闻讯 位于 "
    "伊始 海关 花园 权力 权利 强势 帅气 屠宰 练习 廉政 井下 祖宗 漆黑 巴结 丰富 支付 "
    "支持 国家 国土 平时 平安 计算 索要 宣传 晋升 相关 相互 初步 门口 云南 容易 敬酒 "
    "都是 普通 浦东 戈壁 伏法 薄弱 雍容 辜负 羊肉 阿姨 乌鸦 母亲 修建 修路 杭州 宿舍 "
    "鲜花 印象 隆重 诸多 战斗 慕名 危险 玉米 银行 哈尔 湛江 宾馆 戎装 勾结 茅台 呼吁 "
    "居住 揭发 束缚 衣服 信访 展开 阴谋 智能 幸福 奉命 植树 衡量 富裕 闭门 由于 黎明 "
    "贺喜 顾及 莫名 向上 向下"
)

# Words that introduce a person by role or relationship (村民李四, 头目王清波, 其妻张某).
ROLE_WORDS: frozenset[str] = frozenset(
    {
        "工作人员",
        "村文书",
        "村民",
        "群众",
        "居民",
        "农民",
        "商人",
        "老板",
        "负责人",
        "法定代表人",
        "法人代表",
        "实际控制人",
        "股东",
        "头目",
        "首要分子",
        "骨干",
        "骨干成员",
        "成员",
        "组织者",
        "领导者",
        "犯罪嫌疑人",
        "嫌疑人",
        "被告人",
        "罪犯",
        "服刑人员",
        "举报人",
        "反映人",
        "被反映人",
        "当事人",
        "受害人",
        "被害人",
        "证人",
        "妻子",
        "丈夫",
        "前妻",
        "儿子",
        "女儿",
        "父亲",
        "母亲",
        "弟弟",
        "哥哥",
        "姐姐",
        "妹妹",
        "侄子",
        "外甥",
        "女婿",
        "儿媳",
        "岳父",
        "亲戚",
        "朋友",
        "同学",
        "情妇",
        "司机",
        "驾驶员",
        "马仔",
        "打手",
        "手下",
        "老大",
        "带头人",
        "包工头",
        "承包人",
        "开发商",
        "律师",
        "干部",
        "村干部",
        "党员",
        "公职人员",
        "社会人员",
        "无业人员",
        "闲散人员",
        "男子",
        "女子",
        "名叫",
        "叫做",
        "名为",
    }
)

# Function characters (虚词): particles, prepositions, conjunctions and adverbs. They never stand inside a
# name, a unit name or a town name, so they bound those spans.
FUNCTION_CHARS: frozenset[str] = frozenset(
    "的地得了着过在是和与及等向对从为于被把将让给到去来也都又还曾已因就才并而或即其之所以"
)

# Characters that may directly follow a name in running text: function characters plus the first characters of
# the verbs, kin words and titles that typically follow a name in these reports. Used to decide where a name ends
# (村民李四收受: 李四 then 收受) and, in the gazetteer, that a two-character hit is not the head of a longer name.
NAME_FOLLOW_CHARS: frozenset[str] = FUNCTION_CHARS | frozenset(
    "说称讲收索要强非威殴打纠组控指带找送请拿借放欠逼霸垄承经开持涉利伙多担任现原退系以反举揭告诉"
    "夫妻父母儿女兄弟姐妹侄家等同先本一"
    "书局所县市区镇乡村队科主处厅部院庭政检法民辅"
)

# Words at which the left edge of a unit or town name is cut: reporting verbs, prepositions and the verbs that
# precede a unit in these texts (反映某镇派出所 → 某镇派出所; 李四在镇政府 → 镇政府).
LEFT_CUT_WORDS: frozenset[str] = frozenset(
    {
        "反映",
        "举报",
        "控告",
        "检举",
        "投诉",
        "揭发",
        "报案",
        "称",
        "说",
        "通过",
        "利用",
        "借助",
        "勾结",
        "伙同",
        "包庇",
        "纵容",
        "充当",
        "成立",
        "注册",
        "开办",
        "开设",
        "经营",
        "控制",
        "收受",
        "送给",
        "要求",
        "联系",
        "担任",
        "任职",
        "原任",
        "现任",
        "调任",
        "调到",
        "调入",
        "进入",
        "来到",
        "前往",
        "位于",
        "隶属",
        "下属",
        "旗下",
        "所在",
        "作为",
        "属于",
        "找到",
        "承包",
        "入股",
        "参股",
        "年",
        "月",
        "日",
        "原",
        "该",
        "本",
        "任",
        "系",
        "经",
        "据",
        "找",
        "送",
        "同",
        "跟",
        "帮",
        "替",
        "至",
        "及其",
        "住",
        "家住",
        "居住",
        "来自",
        "回到",
        "赶到",
        # verbs and prepositions of news and reports that stand right before a unit (由中央组织部, 代表中国政府)
        "由",
        "向",
        "可",
        "代表",
        "加强",
        "会见",
        "访问",
        "出席",
        "率领",
        "邀请",
        "支持",
        "参观",
        "考察",
        "按照",
        "委托",
        "创办",
        "报讯",
        # quantities and determiners: 24家公司, 一大批生产厂, 不少厂商, 全公司 are not names
        "这家",
        "那家",
        "一家",
        "每家",
        "各家",
        "几家",
        "多家",
        "数家",
        "两家",
        "一大批",
        "一批",
        "不少",
        "许多",
        "我们",
        "全",
    }
)
LEFT_CUT_WORDS = LEFT_CUT_WORDS | frozenset(FUNCTION_CHARS)

# Unit-name endings (单位后缀). Each is a word, not a single character: 局 or 所 alone end too many ordinary words
# (结局, 赌局, 所以, 住所), so the bureaus and stations are listed by name. ``generic`` ones (公司, 政府) need a
# name in front of them; the others are specific enough to stand alone (派出所, 公安局).
ORG_SUFFIXES_SPECIFIC: frozenset[str] = frozenset(
    {
        "公安局",
        "公安分局",
        "派出所",
        "司法所",
        "财政所",
        "国土所",
        "林业站",
        "看守所",
        "拘留所",
        "戒毒所",
        "事务所",
        "律师事务所",
        "会计师事务所",
        "研究所",
        "卫生所",
        "供电所",
        "税务所",
        "工商所",
        "财政局",
        "民政局",
        "税务局",
        "林业局",
        "农业局",
        "农业农村局",
        "自然资源局",
        "国土资源局",
        "国土局",
        "生态环境局",
        "环保局",
        "住建局",
        "住房和城乡建设局",
        "建设局",
        "交通运输局",
        "交通局",
        "水务局",
        "水利局",
        "教育局",
        "教育体育局",
        "卫健局",
        "卫生健康局",
        "卫生局",
        "人社局",
        "人力资源和社会保障局",
        "市场监督管理局",
        "市场监管局",
        "工商局",
        "统计局",
        "审计局",
        "商务局",
        "文旅局",
        "文化和旅游局",
        "应急管理局",
        "安监局",
        "城管局",
        "城市管理局",
        "综合执法局",
        "行政执法局",
        "司法局",
        "规划局",
        "烟草专卖局",
        "烟草局",
        "发改局",
        "发展和改革局",
        "信访局",
        "医保局",
        "医疗保障局",
        "退役军人事务局",
        "粮食局",
        "畜牧局",
        "能源局",
        "气象局",
        "邮政局",
        "乡村振兴局",
        "管理局",
        "分局",
        "人民政府",
        "人民法院",
        "中级人民法院",
        "高级人民法院",
        "人民检察院",
        "检察院",
        "法院",
        "委员会",
        "村民委员会",
        "居民委员会",
        "村委会",
        "居委会",
        "管委会",
        "街道办事处",
        "办事处",
        "街道办",
        "纪委监委",
        "纪委",
        "监委",
        "党委",
        "县委",
        "市委",
        "党支部",
        "党总支",
        "组织部",
        "宣传部",
        "统战部",
        "政法委",
        "有限公司",
        "有限责任公司",
        "股份有限公司",
        "分公司",
        "集团",
        "合作社",
        "信用社",
        "银行",
        "支行",
        "分行",
        "营业部",
        "中队",
        "大队",
        "支队",
        "总队",
        "交警大队",
        "刑侦大队",
        "治安大队",
        "卫生院",
        "医院",
        "中学",
        "小学",
        "学校",
        "砖厂",
        "采石场",
        "砂石场",
        "石料厂",
        "沙场",
        "养殖场",
        "屠宰场",
    }
)
ORG_SUFFIXES_GENERIC: frozenset[str] = frozenset({"公司", "政府", "厂", "协会", "商会", "中心"})

# Place endings below the county (乡镇村) that have no code in the region table.
TOWN_SUFFIXES: tuple[str, ...] = ("街道", "镇", "乡", "村")
# Words ending in a town suffix that are not town names (农村 = countryside, 城乡 = town and country ...).
NOT_TOWNS: frozenset[str] = frozenset(
    {
        "农村",
        "乡村",
        "城乡",
        "家乡",
        "老乡",
        "下乡",
        "回乡",
        "故乡",
        "他乡",
        "异乡",
        "同乡",
        "城镇",
        "乡镇",
        "村镇",
        "新农村",
        "山村",
        "渔村",
        "全村",
        "本村",
        "该村",
        "各村",
        "邻村",
        "外村",
        "全镇",
        "本镇",
        "该镇",
        "各镇",
        "全乡",
        "本乡",
        "该乡",
        "各乡",
        "进村",
        "驻村",
        "包村",
        "入村",
        "出村",
        "回村",
        "到村",
        "在村",
        "重镇",
        "小镇",
        "集镇",
        "坐镇",
        "镇镇",
        "村村",
        "乡乡",
    }
)
