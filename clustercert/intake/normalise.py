"""Cell values → the normalised strings of a `Submission` (SPEC §3: spaces, full-width digits, thousands).

Only what SPEC §3 names is normalised; everything else is kept as typed so that validation can report
it ("65%" stays "65%", "十" stays "十", "1,2,3" stays "1,2,3").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from functools import cache
from typing import Any

from clustercert.contract import Column, Kind

NUMERIC_KINDS = frozenset({Kind.INTEGER, Kind.AMOUNT, Kind.PERCENT})
# Characters that strip() does not remove but that Excel/Word exports leave around values.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

# Full-width forms people type with a Chinese IME. In number and date columns every one of them is
# mapped; in text columns only a value made *entirely* of such characters (a code typed full-width,
# e.g. "Ｃ１４６９") is mapped, so that names keep the form they were written in.
_FULL_WIDTH_ALNUM: dict[int, int | str] = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
}
_FULL_WIDTH_NUMBER: dict[int, int | str] = {
    **_FULL_WIDTH_ALNUM,
    ord("．"): ".",
    ord("－"): "-",
    ord("＋"): "+",
    ord("，"): ",",
    ord("％"): "%",
    ord("／"): "/",
    ord("："): ":",
    0x2212: "-",  # MINUS SIGN
}
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def clean_text(value: str) -> str:
    """Strip surrounding whitespace, including U+3000 (full-width space), NBSP and zero-width marks."""
    return value.strip().strip(_INVISIBLE).strip()


def format_number(value: int | float) -> str:
    """A number as a person sees it in Excel: 1234.0 → "1234", 0.1 → "0.1", no float noise.

    Excel shows at most 15 significant digits, so a cached formula result like 0.30000000000000004 is
    the 0.3 the official saw; beyond that we would be inventing precision.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = format(value, ".15g")
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def cell_text(value: Any) -> str:
    """A raw cell (Excel, CSV or JSON) as text, before column-specific normalisation.

    Booleans stay "True"/"False": the contract asks for 是/否, and a guessed mapping would hide a
    template that was not used (validation reports the value instead).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def normalise(value: Any, kind: Kind = Kind.TEXT) -> str:
    """One cell → its normalised string for a column of `kind`."""
    text = cell_text(value)
    if not text:
        return text
    text = clean_text(text)
    if kind in NUMERIC_KINDS or kind == Kind.DATE:
        if not text.isascii():
            text = clean_text(text.translate(_FULL_WIDTH_NUMBER))
        if kind != Kind.DATE and "," in text and _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
    elif not text.isascii():
        mapped = text.translate(_FULL_WIDTH_ALNUM)
        if mapped.isascii():
            text = mapped
    return text


def normalise_cell(value: Any, column: Column) -> str:
    """One cell of `column`: `normalise` by its kind; a choice's label (集群总产值（万元）) → its key."""
    text = normalise(value, column.kind)
    if text and column.allowed_labels:
        return _choice_keys(column).get(header_form(text), text)
    return text


@cache
def _choice_keys(column: Column) -> dict[str, str]:
    """Label or key, compared as headers are (width, spaces, case) → the key."""
    keys = {header_form(key): key for key in column.allowed}
    keys.update(
        (header_form(label), key) for label, key in zip(column.allowed_labels, column.allowed, strict=True)
    )
    return keys


def header_form(name: Any) -> str:
    """How sheet names, headers and field names are compared: width, case and spaces don't matter."""
    text = unicodedata.normalize("NFKC", cell_text(name))
    return "".join(text.split()).strip(_INVISIBLE).casefold()
