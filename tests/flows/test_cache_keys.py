"""Cached task results are read once per cache hit: the key records live apart from the results
(`tasks.runtime.ContentKeyPolicy`), so Prefect's check that a result exists reads only the small
record. Before, a re-run unpickled every cached result twice (half its validate stage)."""

from __future__ import annotations

from prefect import flow
from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings

from tasks.runtime import ContentKeyPolicy, unit_task

UNPICKLED: list[str] = []


class Counted:
    """A result that notes every time it is unpickled."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        UNPICKLED.append(self.name)


@unit_task(name="counted", cache_key_fn=lambda _ctx, params: f"counted-{params['name']}")
def counted(name: str) -> Counted:
    return Counted(name)


@flow(name="cache-key-test")
def run_counted(name: str) -> str:
    return counted(name).name


def test_a_cache_hit_unpickles_its_result_once(prefect_api, tmp_path) -> None:
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        assert run_counted("once") == "once"  # computed and persisted
        UNPICKLED.clear()
        state = run_counted("once", return_state=True)
        assert state.result() == "once"
        assert UNPICKLED == ["once"]
        assert (tmp_path / "cache-keys" / "counted-once").is_file()  # the key record, apart
        assert (tmp_path / "counted-once").is_file()  # the result itself


def test_key_storage_follows_the_result_storage_when_the_task_runs(tmp_path) -> None:
    policy = counted.cache_policy
    assert isinstance(policy, ContentKeyPolicy)
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path / "a")}):
        assert policy.key_storage == tmp_path / "a" / "cache-keys"
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path / "b")}):
        assert policy.key_storage == tmp_path / "b" / "cache-keys"


def test_with_a_storage_block_the_records_stay_whole_in_the_block() -> None:
    from prefect.settings import PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK

    with temporary_settings(updates={PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK: "remote-file-system/results"}):
        assert counted.cache_policy.key_storage is None


def test_a_batch_received_for_the_first_time_is_found_by_the_next_run(prefect_api, tmp_path) -> None:
    """The first run has no cache key for a batch (its files are not archived yet); it keeps its
    result under the key the next run computes, so a re-run after a crash reads nothing again."""
    from datetime import date

    from clustercert.samples import generate_campaign
    from clustercert.stages.setup import CampaignSetup
    from tasks import campaign as t

    generate_campaign(tmp_path / "inbox", year=2026, count=2)
    setup = CampaignSetup(
        year=2026,
        out=str(tmp_path / "out"),
        as_of=date(2026, 7, 24),
        inbox=str(tmp_path / "inbox"),
        db_url=f"sqlite:///{tmp_path / 'registry.db'}",
    )
    paths = sorted((tmp_path / "inbox").iterdir())

    @flow(name="receive-twice")
    def receive() -> object:
        return t.receive_files(paths, setup, "all", return_state=True)

    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path / "results")}):
        first = receive()
        assert first.name == "Completed"
        again = receive()
    assert again.name == "Cached"
    assert [s.sha256 for s in again.result()] == [s.sha256 for s in first.result()]


def test_a_file_never_received_is_not_hashed_for_its_cache_key(tmp_path, monkeypatch) -> None:
    """A campaign's first run: no county file is hashed to look for a result that cannot exist; once
    archived under its name, the file (and each file of a CSV folder) is hashed and the key found."""
    from datetime import date

    from clustercert.samples import generate_bulk, generate_campaign
    from clustercert.stages.context import context
    from clustercert.stages.setup import CampaignSetup
    from tasks import campaign as t

    inbox = tmp_path / "inbox"
    generate_campaign(inbox, year=2026, count=1)
    generate_bulk(inbox, year=2026, submissions=1, enterprises_per_submission=5, fmt="csv", workers=1)
    setup = CampaignSetup(
        year=2026,
        out=str(tmp_path / "out"),
        as_of=date(2026, 7, 24),
        inbox=str(inbox),
        db_url=f"sqlite:///{tmp_path / 'registry.db'}",
    )
    workbook = next(p for p in inbox.iterdir() if p.suffix == ".xlsx")
    folder = next(p for p in inbox.iterdir() if p.is_dir())
    hashed: list[str] = []
    real = t.content_sha256
    monkeypatch.setattr(t, "content_sha256", lambda p: hashed.append(p.name) or real(p))

    assert t._received_key(workbook, setup) is None
    assert t._received_key(folder, setup) is None
    assert hashed == []

    archive = context(setup).archive
    archive.store(workbook)
    members = sorted(p for p in folder.iterdir() if p.is_file())
    for member in members[:-1]:  # one file of the folder not archived yet: still nothing to find
        archive.store(member, f"{folder.name}/{member.name}")
    assert t._received_key(folder, setup) is None
    assert hashed == []
    archive.store(members[-1], f"{folder.name}/{members[-1].name}")

    assert t._received_key(workbook, setup) == t.submission_key(real(workbook), 2026)
    assert t._received_key(folder, setup) == t.submission_key(real(folder), 2026)
    assert workbook.name in hashed and members[0].name in hashed
