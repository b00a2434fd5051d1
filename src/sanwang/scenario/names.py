"""Chinese personal names (姓名), usernames, phones and name variants for synthetic people.

Surnames follow the published frequency of the most common Chinese surnames (百家姓 by population, with a
few southwestern ones such as 虞, 毕, 禄 added at low weight); given names are one or two characters drawn
from pools that differ by sex. Everything takes an explicit ``random.Random`` so output follows the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import accumulate

from pypinyin import lazy_pinyin

# (surname 姓, share of population in per mille); order matters only for reproducibility.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 72.5), ("李", 71.9), ("张", 69.0), ("刘", 53.8), ("陈", 46.1), ("杨", 32.2), ("黄", 24.5),
    ("赵", 22.9), ("吴", 20.5), ("周", 19.9), ("徐", 15.8), ("孙", 15.3), ("马", 14.8), ("朱", 13.6),
    ("胡", 13.1), ("郭", 12.6), ("何", 12.0), ("高", 11.6), ("林", 11.4), ("罗", 11.3), ("郑", 10.9),
    ("梁", 10.8), ("谢", 8.7), ("宋", 8.3), ("唐", 8.1), ("许", 7.4), ("韩", 7.3), ("冯", 7.2),
    ("邓", 7.0), ("曹", 6.9), ("彭", 6.8), ("曾", 6.6), ("肖", 6.4), ("田", 6.3), ("董", 6.2),
    ("袁", 5.7), ("潘", 5.6), ("于", 5.5), ("蒋", 5.4), ("蔡", 5.3), ("余", 5.2), ("杜", 5.1),
    ("叶", 5.0), ("程", 4.9), ("苏", 4.6), ("魏", 4.5), ("吕", 4.4), ("丁", 4.3), ("任", 4.2),
    ("沈", 4.1), ("姚", 4.0), ("卢", 3.9), ("姜", 3.8), ("崔", 3.7), ("钟", 3.6), ("谭", 3.5),
    ("陆", 3.4), ("汪", 3.3), ("范", 3.2), ("金", 3.1), ("石", 3.0), ("廖", 2.9), ("贾", 2.8),
    ("夏", 2.7), ("韦", 2.6), ("付", 2.5), ("方", 2.4), ("白", 2.3), ("邹", 2.2), ("孟", 2.1),
    ("熊", 2.1), ("秦", 2.0), ("邱", 2.0), ("江", 1.9), ("尹", 1.9), ("薛", 1.8), ("闫", 1.8),
    ("段", 1.7), ("雷", 1.7), ("侯", 1.6), ("龙", 1.6), ("史", 1.5), ("陶", 1.5), ("黎", 1.4),
    ("贺", 1.4), ("顾", 1.3), ("毛", 1.3), ("郝", 1.2), ("龚", 1.2), ("邵", 1.1), ("万", 1.1),
    ("钱", 1.0), ("严", 1.0), ("覃", 1.0), ("武", 1.0), ("戴", 1.0), ("莫", 0.9), ("孔", 0.9),
    ("向", 0.9), ("汤", 0.9), ("虞", 0.5), ("毕", 0.5), ("禄", 0.3), ("安", 0.6), ("申", 0.5),
    ("欧阳", 0.4), ("司马", 0.05), ("诸葛", 0.05),
)  # fmt: skip

MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"  # noqa: E501

# Homophones and near-forms a clerk or a registry typist mixes up (同音字/形近字), used for planted
# duplicate records: the same person written with a variant name.
_VARIANTS: dict[str, str] = {
    "明": "鸣", "伟": "玮", "华": "化", "军": "君", "俊": "骏", "峰": "锋", "勇": "永", "平": "萍",
    "文": "雯", "丽": "莉", "红": "宏", "林": "琳", "杰": "洁", "国": "帼", "东": "冬", "刚": "钢",
    "波": "博", "静": "晶", "燕": "艳", "芳": "方", "辉": "晖", "兴": "星", "成": "城",
    "荣": "蓉", "英": "瑛", "云": "芸", "涛": "滔", "斌": "彬", "飞": "菲", "龙": "隆", "祥": "翔",
    "张": "章", "王": "汪", "李": "黎", "刘": "柳", "陈": "程", "杨": "阳", "黄": "王", "吴": "伍",
    "周": "邹", "徐": "许", "朱": "祝", "胡": "扈", "何": "贺", "郑": "曾", "谢": "解",
}  # fmt: skip

SURNAME_CUM = tuple(accumulate(w for _, w in SURNAMES))


def surname(rng: random.Random) -> str:
    """A surname drawn by population frequency."""
    return rng.choices(SURNAMES, cum_weights=SURNAME_CUM, k=1)[0][0]


def given_name(rng: random.Random, sex: str) -> str:
    """A given name (名) of one or two characters; about three quarters have two."""
    pool = MALE_CHARS if sex == "男" else FEMALE_CHARS
    if rng.random() < 0.26:
        return rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first and rng.random() < 0.8:  # reduplicated names (婷婷) exist but are rarer
        second = rng.choice(pool)
    return first + second


def full_name(rng: random.Random, sex: str | None = None, family: str | None = None) -> tuple[str, str]:
    """(name, sex) — with ``family`` the surname is fixed (relatives sharing a surname)."""
    chosen_sex = sex if sex is not None else ("男" if rng.random() < 0.55 else "女")
    return (family or surname(rng)) + given_name(rng, chosen_sex), chosen_sex


def family_name_of(name: str) -> str:
    """The surname part of a full name (two characters for compound surnames such as 欧阳)."""
    return name[:2] if name[:2] in {"欧阳", "司马", "诸葛"} else name[:1]


def name_variant(rng: random.Random, name: str) -> str:
    """The same name as a careless record holds it: one character swapped for a homophone or near-form."""
    positions = [i for i, ch in enumerate(name) if ch in _VARIANTS and _VARIANTS[ch] != ch]
    if not positions:
        # No known variant: registries also drop or double a character of a two-character given name.
        return name + name[-1] if len(name) == 2 else name[:-1]
    i = rng.choice(positions)
    return name[:i] + _VARIANTS[name[i]] + name[i + 1 :]


def pinyin_username(name: str, taken: set[str]) -> str:
    """An ascii login (zhangwei, zhangwei2, ...) unique within ``taken``, which it updates."""
    base = "".join(lazy_pinyin(name)).replace("ü", "v").lower()
    base = "".join(ch for ch in base if ch.isascii() and ch.isalnum()) or "user"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


_MOBILE_PREFIXES: Sequence[str] = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188",
    "189", "199",
)  # fmt: skip


def phone(rng: random.Random) -> str:
    """An 11-digit mobile number (手机号)."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def reformat_phone(rng: random.Random, number: str) -> str:
    """The same number as another source writes it (+86, dashes, spaces)."""
    style = rng.randrange(3)
    if style == 0:
        return "+86" + number
    if style == 1:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return f"{number[:3]} {number[3:7]} {number[7:]}"
