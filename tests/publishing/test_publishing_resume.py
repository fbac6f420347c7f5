"""A campaign resumes in the staging folder a killed run on the same inputs left, else in a copy of
the published folder made from the same inputs, else in a fresh one; the note of what is staged
travels with the folder."""

from __future__ import annotations

from pathlib import Path

from clustercert.publishing import STAGED, OutputFolder, note_staged, staged_stages

SAME, OTHER = "1" * 64, "2" * 64


def published(tmp_path: Path, inputs: str) -> OutputFolder:
    folder = OutputFolder(tmp_path / "out")
    staging = folder.start()
    (staging / "decisions.csv").write_text("published\n")
    for stage in ("collect-submissions", "validate-submissions"):
        note_staged(staging, inputs, stage)
    folder.publish()
    return folder


def test_a_killed_runs_staging_folder_is_resumed_on_the_same_inputs(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path / "out")
    staging = folder.start()
    (staging / "validation.html").write_text("staged")
    note_staged(staging, SAME, "collect-submissions")
    note_staged(staging, SAME, "validate-submissions")
    note_staged(staging, SAME, "collect-submissions")  # noted again: once, in its first place
    assert staged_stages(staging, SAME) == ["validate-submissions", "collect-submissions"]
    again, staged = folder.resume(SAME)
    assert again == staging and (staging / "validation.html").read_text() == "staged"
    assert set(staged) == {"collect-submissions", "validate-submissions"}
    fresh, staged = folder.resume(OTHER)
    assert staged == [] and not any(fresh.iterdir())


def test_the_published_folder_is_copied_when_it_was_made_from_the_same_inputs(tmp_path: Path) -> None:
    folder = published(tmp_path, SAME)
    assert (folder.final / STAGED).is_file()
    staging, staged = folder.resume(SAME)
    assert staged == ["collect-submissions", "validate-submissions"]
    assert (staging / "decisions.csv").read_text() == "published\n"
    staging, staged = folder.resume(OTHER)
    assert staged == [] and not (staging / "decisions.csv").exists()


def test_a_torn_or_foreign_note_counts_as_nothing_staged(tmp_path: Path) -> None:
    (tmp_path / STAGED).write_text("{not json")
    assert staged_stages(tmp_path, SAME) == []
    (tmp_path / STAGED).write_text('["collect-submissions"]')
    assert staged_stages(tmp_path, SAME) == []
