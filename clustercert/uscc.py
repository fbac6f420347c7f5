"""统一社会信用代码 (unified social credit identifier), GB 32100-2015 (SPEC §3.1).

Eighteen characters from a 31-character alphabet (digits and upper-case letters without I, O, Z, S,
V); the last one is a check character over the first seventeen. Position 1 (registration authority)
may be a letter such as A, N or Y, so nothing here assumes leading digits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)  # 31
# weight of position i (1-based) is 3^(i-1) mod 31
WEIGHTS = tuple(pow(3, i, _MODULUS) for i in range(LENGTH - 1))
_FORMED = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
_LOOKUP = np.full(256, -1, dtype=np.int32)  # byte → value; -1 outside the alphabet
_LOOKUP[[ord(c) for c in ALPHABET]] = np.arange(_MODULUS)
_WEIGHTS = np.array(WEIGHTS, dtype=np.int32)
_CHARS = np.array(list(ALPHABET))


def is_well_formed(code: str) -> bool:
    """Eighteen characters, all from the alphabet; says nothing about the check character."""
    return isinstance(code, str) and _FORMED.fullmatch(code) is not None


def check_character(code17: str) -> str:
    """The check character (position 18) for the first seventeen characters."""
    if len(code17) != LENGTH - 1 or any(c not in _VALUE for c in code17):
        raise ValueError(f"expected 17 characters from {ALPHABET!r}, got {code17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(code17, WEIGHTS, strict=True))
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def is_valid_uscc(code: str) -> bool:
    """Well formed and the check character is right."""
    return is_well_formed(code) and check_character(code[:-1]) == code[-1]


def expected_check_characters(codes: Sequence[str | None]) -> list[str | None]:
    """The right check character of each well-formed code (None for the others).

    A campaign holds about a million enterprise codes, so the check runs on a character matrix (one
    row per code) instead of a Python loop per code; the result is the same as `check_character`.
    """
    result: list[str | None] = [None] * len(codes)
    candidates = [
        (i, c) for i, c in enumerate(codes) if isinstance(c, str) and len(c) == LENGTH and c.isascii()
    ]
    if not candidates:
        return result
    text = "".join(c for _, c in candidates).encode("ascii")
    chars = np.frombuffer(text, dtype=np.uint8).reshape(len(candidates), LENGTH)
    values = _LOOKUP[chars]
    formed = np.all(values >= 0, axis=1)
    totals = values[:, : LENGTH - 1] @ _WEIGHTS
    checks = _CHARS[(_MODULUS - totals % _MODULUS) % _MODULUS].tolist()
    for (i, _), ok, check in zip(candidates, formed.tolist(), checks, strict=True):
        if ok:
            result[i] = check
    return result
