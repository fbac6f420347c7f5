"""The garbage collector's pace while a campaign runs in a process.

A campaign builds millions of objects that live to its end (every submission's tables, then their
typed frames, payloads and evaluations). CPython's collector scans all of them again each time the
survivors grow by a quarter: a national baseline (3,000 submissions) spent 18 s of its 103 s in 22
full collections, and ran in 71 s at this pace (both measured back to back, `bench/RESULTS.md`).
While `campaign_pace()` holds, the young generation is still collected (every
`YOUNG_EVERY_ALLOCATIONS` allocations: short-lived cycles go as before) and the old one practically
never; the usual pace comes back after it. Plain CPython, no Prefect: the baseline, the flows, the
worker processes and Great Expectations' helper use the same pace.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_EVERY_ALLOCATIONS = 50_000  # CPython's default: 700
MIDDLE_EVERY_YOUNG = 20  # default 10
OLD_EVERY_MIDDLE = 1_000  # default 10 (and only when the survivors grew by a quarter)
CAMPAIGN_THRESHOLDS = (YOUNG_EVERY_ALLOCATIONS, MIDDLE_EVERY_YOUNG, OLD_EVERY_MIDDLE)


@contextmanager
def campaign_pace() -> Iterator[None]:
    """The campaign's pace inside the block (nested blocks keep it), the one before after it."""
    before = gc.get_threshold()
    gc.set_threshold(*CAMPAIGN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def keep_campaign_pace() -> None:
    """The campaign's pace for the rest of this process (a worker process, the GX helper)."""
    gc.set_threshold(*CAMPAIGN_THRESHOLDS)
