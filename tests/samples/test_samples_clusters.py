"""Profiles point at real counties; names, phones and credit codes look like the real thing."""

import random
import re
from collections import Counter

import pytest

from clustercert.reference import counties
from clustercert.samples.clusters import (
    PROFILES,
    make_uscc,
    mobile_phone,
    org_code_check,
    place_word,
    select_profiles,
    wrong_check,
)
from clustercert.uscc import is_valid_uscc


def test_every_profile_is_a_real_county_with_a_gb4754_manufacturing_code():
    for profile in PROFILES:
        county = counties()[profile.county_code]
        assert county.county_name == profile.county_name
        assert county.prefecture_name == profile.prefecture_name
        assert re.fullmatch(r"C\d{4}", profile.industry_code)
        assert profile.cluster_name.startswith(profile.county_name) and profile.cluster_name.endswith(
            "产业集群"
        )
    assert len({p.cluster_name for p in PROFILES}) == len(PROFILES)


def test_known_profiles_carry_matching_industry_codes():
    by_name = {p.cluster_name: p for p in PROFILES}
    assert by_name["五常市大米产业集群"].industry_code == "C1311"  # 稻谷加工
    assert by_name["安达市乳制品产业集群"].industry_code == "C1441"  # 液体乳制造
    assert by_name["宝清县石墨新材料产业集群"].industry_code == "C3091"  # 石墨及碳素制品制造
    assert by_name["宝清县石墨新材料产业集群"].high_energy


@pytest.mark.parametrize("count", [2, 3, 5, 8, 13, 24, 25, len(PROFILES)])
def test_selected_prefectures_always_have_at_least_two_clusters(count):
    chosen = select_profiles(count)
    assert len(chosen) == count
    assert len({p.cluster_name for p in chosen}) == count
    per_prefecture = Counter(p.prefecture_code for p in chosen)
    assert min(per_prefecture.values()) >= 2
    if count >= 8:
        assert len(per_prefecture) >= 4


def test_too_many_clusters_is_refused():
    with pytest.raises(ValueError):
        select_profiles(len(PROFILES) + 1)


def test_generated_credit_codes_are_valid_and_carry_the_county_code():
    rng = random.Random(7)
    codes = [make_uscc(rng, "230184", prefix) for prefix in ("91", "93", "N2", "Y1") for _ in range(200)]
    assert all(is_valid_uscc(c) for c in codes)
    assert all(c[2:8] == "230184" for c in codes)
    assert {c[0] for c in codes} == {"9", "N", "Y"}
    assert not any(is_valid_uscc(wrong_check(c)) for c in codes)


def test_organisation_code_check_matches_gb11714_examples():
    # 0-9, A-Z weights 3 7 9 10 5 8 4 2; C9 = 11 - sum mod 11 (10 → X, 11 → 0)
    assert org_code_check("D2143569") == "X"  # the standard's worked example: D2143569-X
    assert org_code_check("00000000") == "0"


def test_names_and_phones_look_real():
    rng = random.Random(3)
    assert place_word("尚志市") == "尚志"
    assert place_word("杜尔伯特蒙古族自治县") == "杜尔伯特"
    assert place_word("宾县") == "宾县"
    phones = [mobile_phone(rng) for _ in range(50)]
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
