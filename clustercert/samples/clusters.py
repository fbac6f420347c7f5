"""Realistic Heilongjiang cluster profiles, and the names, people and codes that fill them in.

The profiles follow the province's real specialties (rice in 五常, dairy in 安达 and 克东, graphite in
鸡西 and 宝清, black fungus in 东宁 …) with GB/T 4754-2017 industry codes that match. Counties are
looked up in `clustercert.reference`, so a profile can never point at a county that does not exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from clustercert.reference import County, counties
from clustercert.uscc import ALPHABET, check_character


@dataclass(frozen=True)
class ClusterProfile:
    county_name: str
    prefecture_name: str
    cluster_name: str
    leading_industry: str
    industry_code: str  # GB/T 4754-2017 class
    products: tuple[str, ...]  # the trade words enterprise names carry (米业, 乳业 …)
    location_detail: str
    high_energy: bool = False
    high_water: bool = False
    scale: float = 1.0  # relative size of the cluster's output

    @property
    def county(self) -> County:
        return county_by_name(self.county_name, self.prefecture_name)

    @property
    def county_code(self) -> str:
        return self.county.county_code

    @property
    def prefecture_code(self) -> str:
        return self.county.prefecture_code

    @property
    def operator_name(self) -> str:
        if self.location_detail.endswith(("开发区", "园区", "产业园")):
            return f"{self.location_detail}管理委员会"
        return f"{self.cluster_name}发展促进中心"

    @property
    def applicant(self) -> str:
        return f"{self.county_name}工业和信息化局"


# county | prefecture | cluster industry | leading industry | GB/T 4754 class | words for firm names |
# location | E/W: high-energy/high-water industry | relative size. Grouped by prefecture:
# `select_profiles` takes two per prefecture first, so prefecture lists never hold a single cluster.
_PROFILE_TABLE = """
尚志市|哈尔滨市|食品加工|食用菌及山特产品加工|C1372|食品 菌业 山特产品 浆果|尚志经济开发区|-|1.1
五常市|哈尔滨市|大米|稻谷加工|C1311|米业 粮油 稻米 农业发展|五常市稻米产业园|-|1.6
平房区|哈尔滨市|汽车零部件|汽车零部件及配件制造|C3670|汽车部件 精密机械 零部件 动力科技|哈尔滨经济技术开发区平房园区|-|2.2
讷河市|齐齐哈尔市|马铃薯|马铃薯淀粉及制品制造|C1391|淀粉 薯业 食品 生物科技|讷河经济开发区|W|1.0
克东县|齐齐哈尔市|乳制品|乳粉制造|C1442|乳业 乳品 牧业 营养食品|克东县乳品工业园区|-|1.8
富拉尔基区|齐齐哈尔市|重型装备|冶金专用设备制造|C3516|重型机械 装备制造 机械 铸锻|富拉尔基经济开发区|-|1.5
麻山区|鸡西市|石墨|石墨及碳素制品制造|C3091|石墨 碳素 新材料 矿业|鸡西（麻山）石墨产业园|E|1.0
密山市|鸡西市|粮油加工|食用植物油加工|C1331|粮油 油脂 米业 食品|密山经济开发区|-|0.9
宝清县|双鸭山市|石墨新材料|石墨及碳素制品制造|C3091|石墨 新材料 碳材料 矿业|宝清经济开发区|E|1.0
集贤县|双鸭山市|粮食精深加工|淀粉及淀粉制品制造|C1391|生物科技 淀粉 粮食 食品|集贤经济开发区|W|1.0
杜尔伯特蒙古族自治县|大庆市|乳制品|液体乳制造|C1441|乳业 牧业 乳品 食品|杜尔伯特经济开发区|-|1.3
大同区|大庆市|精细化工|化学试剂和助剂制造|C2661|化工 新材料 精细化学 石化|大庆高新区宏伟园区|EW|2.5
郊区|佳木斯市|农机装备|机械化农业及园艺机具制造|C3571|农机 机械 装备 农业机械|佳木斯高新技术产业开发区|-|1.0
富锦市|佳木斯市|水稻加工|稻谷加工|C1311|米业 粮油 农业 稻香|富锦经济开发区|-|1.2
东宁市|牡丹江市|黑木耳|食用菌加工|C1372|菌业 木耳 山珍 食品|东宁市绥阳镇|-|1.0
绥芬河市|牡丹江市|木材加工|锯材加工|C2011|木业 木材 林产品 家居|绥芬河边境经济合作区|-|1.4
安达市|绥化市|乳制品|液体乳制造|C1441|乳业 牧业 乳品 食品|安达经济开发区|-|1.5
肇东市|绥化市|玉米精深加工|淀粉及淀粉制品制造|C1391|生物科技 玉米 淀粉 酒精|肇东经济开发区|W|2.0
五大连池市|黑河市|矿泉水|瓶（罐）装饮用水制造|C1522|矿泉水 饮品 水业 饮料|五大连池市矿泉水产业园|-|1.0
嫩江市|黑河市|大豆加工|豆制品制造|C1392|大豆 豆业 食品 粮油|嫩江经济开发区|-|1.0
铁力市|伊春市|森林食品|水果和坚果加工|C1373|森林食品 蓝莓 山特产品 坚果|铁力经济开发区|-|1.0
伊美区|伊春市|木制品|其他木制品制造|C2039|木业 工艺品 林产品 家居|伊春经济开发区|-|1.0
萝北县|鹤岗市|石墨|石墨及碳素制品制造|C3091|石墨 碳素 新材料 矿业|萝北县云山石墨产业园|E|1.0
绥滨县|鹤岗市|大米|稻谷加工|C1311|米业 粮油 农业 稻米|绥滨经济开发区|-|1.0
勃利县|七台河市|坚果加工|水果和坚果加工|C1373|松籽 坚果 林产品 食品|勃利经济开发区|-|1.0
新兴区|七台河市|石墨烯新材料|石墨及碳素制品制造|C3091|石墨烯 碳材料 新材料 科技|七台河经济开发区|E|1.0
望奎县|绥化市|肉制品加工|肉制品及副产品加工|C1353|肉业 食品 牧业 冷链|望奎经济开发区|-|1.0
庆安县|绥化市|大米|稻谷加工|C1311|米业 粮油 稻米 农业|庆安经济开发区|-|1.0
宁安市|牡丹江市|大米|稻谷加工|C1311|米业 粮油 响水稻米 农业|宁安市渤海镇|-|1.0
"""


def _parse(line: str) -> ClusterProfile:
    county, prefecture, industry, leading, code, words, where, flags, scale = line.split("|")
    return ClusterProfile(
        county,
        prefecture,
        f"{county}{industry}产业集群",
        leading,
        code,
        tuple(words.split()),
        where,
        high_energy="E" in flags,
        high_water="W" in flags,
        scale=float(scale),
    )


PROFILES: tuple[ClusterProfile, ...] = tuple(_parse(line) for line in _PROFILE_TABLE.strip().splitlines())


@cache
def county_by_name(county_name: str, prefecture_name: str) -> County:
    """County names repeat across prefectures (向阳区, 郊区), so the prefecture is part of the key."""
    for county in counties().values():
        if county.county_name == county_name and county.prefecture_name == prefecture_name:
            return county
    raise KeyError(f"no county {county_name} in {prefecture_name}")


def select_profiles(count: int) -> list[ClusterProfile]:
    """`count` profiles, two per prefecture first (in order), then the rest; an odd count adds a third
    cluster to a prefecture already used, so no prefecture ends up with a list of one."""
    if not 1 <= count <= len(PROFILES):
        raise ValueError(f"count must be between 1 and {len(PROFILES)}, not {count}")
    by_prefecture: dict[str, list[ClusterProfile]] = {}
    for profile in PROFILES:
        by_prefecture.setdefault(profile.prefecture_name, []).append(profile)
    groups = list(by_prefecture.values())
    pairs = [p for group in groups for p in group[:2]]
    extras = [p for group in groups for p in group[2:]]
    if count == 1:
        return pairs[:1]
    if count % 2 == 0 and count <= len(pairs):
        return pairs[:count]
    if count <= len(pairs):
        chosen = pairs[: count - 1]
        used = {p.prefecture_name for p in chosen}
        third = next(p for p in extras if p.prefecture_name in used)
        return [*chosen, third]
    return [*pairs, *extras[: count - len(pairs)]]


# ---------------------------------------------------------------------------------------------
# Names, people and phones: fake but shaped like the real thing, so privacy tests have something to catch.
_TRADE_CHARS = "金鑫恒泰宏盛瑞丰龙润禾佳福源裕华信益绿雪兴隆永聚达昌泽嘉庆广鸿远东旭鼎宝鹏康和通天成安顺北寒"
_FORMS = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯史陶贺顾毛郝龚邵万钱严武戴孔汤"
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红鹏辉建国海丹宇晶东波立新亮春雪峰龙文志宏斌凯成爽琳博"
)
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
)


def place_word(county_name: str) -> str:
    """尚志市 → 尚志, 宾县 → 宾县, 杜尔伯特蒙古族自治县 → 杜尔伯特: what a company name would carry."""
    if county_name.endswith("蒙古族自治县"):
        return county_name[: -len("蒙古族自治县")]
    return county_name[:-1] if len(county_name) > 2 else county_name


def trade_name(rng: random.Random) -> str:
    return "".join(rng.sample(_TRADE_CHARS, 2))


def enterprise_name(rng: random.Random, profile: ClusterProfile) -> str:
    place = rng.choice(
        (
            place_word(profile.county_name),
            place_word(profile.county_name),
            "黑龙江",
            place_word(profile.prefecture_name),
        )
    )
    return f"{place}{trade_name(rng)}{rng.choice(profile.products)}{rng.choice(_FORMS)}"


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(_SURNAMES) + given


def mobile_phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码: registration authority + type (91 enterprise, 93 farmers' cooperative, N2/Y1
# with a letter first), the six-digit county code, a GB 11714 organisation code with its own check
# character, and the GB 32100 check character (`clustercert.uscc`).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = ALPHABET  # new-style bodies ("MA…") only use the USCC alphabet


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check(body8: str) -> str:
    """GB 11714-1997 check character of an eight-character organisation code body."""
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_uscc(rng: random.Random, county_code: str, prefix: str = "91") -> str:
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_ORG_BODY_CHARS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    code17 = prefix + county_code + body + org_code_check(body)
    return code17 + check_character(code17)


def wrong_check(code: str) -> str:
    """The same code with another (wrong) check character: the typo a validator must catch."""
    right = code[-1]
    return code[:-1] + ALPHABET[(ALPHABET.index(right) + 7) % len(ALPHABET)]
