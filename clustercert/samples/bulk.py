"""Benchmark-scale inboxes: provincial (130 × ~300 enterprises) and national (3,000 × ~333, about a
million 企业名录 rows). Every submission is valid and eligible, so the whole pipeline runs on it.

The small sheets come from `submissions.build_tables`' helpers; the 企业名录, which is nearly all of
the data, is generated with numpy: credit codes are unique by construction (an affine walk over the
organisation-code space) and carry correct GB 11714 and GB 32100 check characters. Each submission
has its own seed (seed, index), so the result does not depend on the order or the process that
wrote it, and `workers > 1` spreads the writing over processes.
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from clustercert.contract import ENTERPRISE_SIZES, NO, SUBMISSION, YES
from clustercert.reference import counties
from clustercert.samples import submissions as build
from clustercert.samples.clusters import PROFILES, ClusterProfile, place_word
from clustercert.samples.submissions import freeze_xlsx
from clustercert.uscc import ALPHABET
from clustercert.workbook_writer import write_workbook

_CHARS = np.array(list(ALPHABET))
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
# GB 11714 values of the USCC alphabet: digits 0–9, letters A=10 … Z=35 (I, O, S, V, Z never occur)
_ORG_VALUES = np.array([int(c) if c.isdigit() else ord(c) - 55 for c in ALPHABET])
_ORG_CHECK = np.array([ALPHABET.index(c) for c in "0123456789X0"])  # remainder 11 − s: 10 → X, 11 → 0
_SPACE = 31**6  # six free characters after "MA"
_TRADE = "金鑫恒泰宏盛瑞丰龙润禾佳福源裕华信益绿雪兴隆永聚达昌泽嘉庆广鸿远东旭鼎宝鹏康和通天成安顺北寒"
_FORMS = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
_SIZES = np.array(ENTERPRISE_SIZES)


def bulk_uscc(rng: np.random.Generator, county_code: str, n: int) -> np.ndarray:
    """`n` distinct valid codes "91<county><MA+6><org check><check>" as a numpy string array."""
    stride = int(rng.integers(1, _SPACE // 31)) * 31 + int(rng.integers(1, 31))  # coprime to 31⁶
    walk = (int(rng.integers(0, _SPACE)) + np.arange(n, dtype=np.int64) * stride) % _SPACE
    idx = np.empty((n, 18), dtype=np.int64)
    idx[:, 0:2] = [9, 1]
    idx[:, 2:8] = [int(d) for d in county_code]
    idx[:, 8:10] = [ALPHABET.index("M"), ALPHABET.index("A")]
    for pos in range(6):
        idx[:, 15 - pos] = walk % 31
        walk //= 31
    org = (_ORG_VALUES[idx[:, 8:16]] * _ORG_WEIGHTS).sum(axis=1)
    idx[:, 16] = _ORG_CHECK[11 - org % 11]
    idx[:, 17] = (31 - (idx[:, :17] * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    return np.ascontiguousarray(_CHARS[idx]).view("<U18").ravel()


def bulk_enterprises(
    rng: np.random.Generator,
    profile: ClusterProfile,
    county_code: str,
    county_name: str,
    n: int,
    sme_output: float,
) -> list[dict[str, Any]]:
    codes = bulk_uscc(rng, county_code, n)
    pairs = rng.permutation(len(_TRADE) * (len(_TRADE) - 1))[:n]
    first, second = pairs // (len(_TRADE) - 1), pairs % (len(_TRADE) - 1)
    second = second + (second >= first)  # two different characters
    place = place_word(county_name)
    products = rng.integers(0, len(profile.products), n)
    forms = rng.integers(0, len(_FORMS), n)
    size_idx = np.where(np.arange(n) < 2, 0, np.searchsorted([0.1, 0.55], rng.random(n)) + 1)
    leading = (size_idx == 0) | (rng.random(n) < 0.85)
    output = np.round(
        rng.uniform(0.5, 1.5, n) * np.array([30.0, 12.0, 2.0, 0.3])[size_idx] * sme_output / (n * 2.4), 1
    )
    trade = [_TRADE[f] + _TRADE[t] for f, t in zip(first.tolist(), second.tolist(), strict=True)]
    words = [profile.products[k] + _FORMS[f] for k, f in zip(products.tolist(), forms.tolist(), strict=True)]
    sizes = _SIZES[size_idx].tolist()
    flags = np.where(leading, YES, NO).tolist()
    m = len(trade)
    return [
        {
            "uscc": code,
            "name": f"{place}{trade[i % m]}{i // m if i >= m else ''}{words[i]}",
            "size": sizes[i],
            "in_leading_industry": flags[i],
            "output": out,
        }
        for i, (code, out) in enumerate(zip(codes.tolist(), output.tolist(), strict=True))
    ]


_COUNTIES = sorted(counties().values(), key=lambda c: c.county_code)


def bulk_tables(index: int, year: int, enterprises: int, seed: int) -> tuple[str, str, dict[str, Any]]:
    """The tables of submission `index`: (county code, cluster name, tables), eligible with margins."""
    rng = random.Random(f"bulk:{seed}:{index}")
    nrng = np.random.default_rng([seed, index])
    county = _COUNTIES[index % len(_COUNTIES)]
    profile = PROFILES[(index * 7) % len(PROFILES)]
    nth = index // len(_COUNTIES)
    name = f"{county.county_name}{profile.cluster_name[len(profile.county_name) :]}" + (
        f"（{nth + 1}）" if nth else ""
    )
    declared_on = date(year, 6, 1 + index % 28)
    annual = build._annual(rng, profile, year)
    firms = bulk_enterprises(
        nrng, profile, county.county_code, county.county_name, enterprises, annual[-1]["sme_output"]
    )
    header = build._profile(rng, profile, year, declared_on)
    header.update(
        cluster_name=name,
        county_code=county.county_code,
        county_name=county.county_name,
        location_detail="",
        operator_name=f"{name}发展促进中心",
        applicant=f"{county.county_name}工业和信息化局",
    )
    tables = {
        "profile": header,
        "annual": annual,
        "enterprises": firms,
        "designations": build._designations(rng, firms, year),
        "incidents": [],
        "evidence": build._evidence(profile, year),
        "plan_targets": build._plan_targets(rng, annual[-1], year),
    }
    return county.county_code, name, tables


def _write_one(args: tuple[Path, int, int, int, int, str, bool]) -> Path:
    inbox, index, year, enterprises, seed, fmt, freeze = args
    county_code, _, tables = bulk_tables(index, year, enterprises, seed)
    path = inbox / f"{index:05d}-{county_code}{'.' + fmt if fmt != 'csv' else ''}"
    write_workbook(path, tables, SUBMISSION, fmt=fmt, headers="key" if fmt == "json" else "label")
    if fmt == "xlsx" and freeze:
        freeze_xlsx(path, tables["profile"]["declared_on"])
    return path


def generate_bulk(
    inbox: Path,
    *,
    year: int,
    submissions: int,
    enterprises_per_submission: int,
    fmt: str = "xlsx",
    seed: int = 1,
    workers: int = 1,
    freeze: bool = True,
) -> list[Path]:
    """Write `submissions` eligible submissions of `enterprises_per_submission` firms each.

    `freeze` pins the xlsx timestamps (same seed → same bytes → same submission ids); `workers > 1`
    writes in that many processes (same output).
    """
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    jobs = [(inbox, i, year, enterprises_per_submission, seed, fmt, freeze) for i in range(submissions)]
    if workers <= 1:
        return [_write_one(job) for job in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_write_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
