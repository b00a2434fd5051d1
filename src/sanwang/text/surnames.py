"""Chinese surnames (姓氏) for the person rules: the common single-character ones and the compound ones (复姓).

Written out here from the common-surname rankings and the 百家姓; nothing is downloaded. The list is a filter
for rules (陈某, 村民李四), not a census: a rare surname missing here costs one unrecognised partial name, while
an everyday character wrongly listed would turn ordinary words into people, so very rare surnames that are also
frequent words (但, 那, 都, 由, 来, 干, 公, 利) are left out on purpose.
"""

from __future__ import annotations

_SINGLE = (
    # The hundred most frequent, roughly in order (they cover about 85% of the population).
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    # Less frequent but common in Yunnan, Guizhou and Sichuan clue files, and the rest of the 百家姓 head.
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门"
    "云容敬扈晁芮普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危玉银亢嵇哈湛宾戎勾茅於呼居揭"
    "尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭"
)

# Compound surnames (复姓) still in use; they are matched before single ones, so 欧阳 wins over 欧.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "司空",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "南宫",
        "西门",
        "独孤",
        "端木",
        "百里",
        "呼延",
        "澹台",
        "公冶",
        "太史",
        "申屠",
        "万俟",
        "闻人",
        "赫连",
        "濮阳",
        "第五",
        "拓跋",
        "左丘",
        "东郭",
        "梁丘",
        "宗政",
        "谷梁",
        "淳于",
        "单于",
        "公羊",
        "仲孙",
    }
)
SINGLE_SURNAMES: frozenset[str] = frozenset(_SINGLE)
# The hundred most frequent: the first hundred characters above. A name after a title with a rarer surname that is
# also an everyday character (和, 国, 时, 商 …) needs more evidence (``patterns._full_name_end``).
COMMON_SURNAMES: frozenset[str] = frozenset(_SINGLE[:100])


def surname_at(text: str, i: int) -> str | None:
    """The surname starting at ``text[i]`` (compound preferred), or None."""
    two = text[i : i + 2]
    if two in COMPOUND_SURNAMES:
        return two
    one = text[i : i + 1]
    return one if one in SINGLE_SURNAMES else None
