"""Screenshots of the reports people read, to look at them as they do (`make screenshots`).

Renders a sample campaign (`clustercert.samples.campaign_run`) and photographs, with Debian's headless
Chromium (`apt-get install -y chromium fonts-noto-cjk`), the index, a cluster page, an evaluation
page, a county feedback page and the lists, each as OUT_DIR/<name>.png. Chromium runs offline: no
network, no component updates, a throw-away profile.

    python -m clustercert.samples.screenshots OUT_DIR [--count 24] [--folder REPORTS_DIR]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from clustercert.reports.render import cluster_relpath, evaluation_relpath, feedback_relpath

WINDOW = (1400, 2000)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("chromium not found: apt-get install -y chromium fonts-noto-cjk")


def screenshot(page: Path, png: Path, *, window: tuple[int, int] = WINDOW) -> Path:
    """One page as a PNG of the first `window` pixels."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clustercert-chromium-") as profile:
        subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={png.resolve()}",
                f"--window-size={window[0]},{window[1]}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return png


def _decisions(folder: Path) -> list[dict[str, str]]:
    with (folder / "decisions.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _warned(folder: Path) -> set[str]:
    path = folder / "validation_issues.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {r["submission_id"] for r in csv.DictReader(fh) if r["severity"] == "warning"}


def pages(folder: Path) -> dict[str, Path]:
    """The pages worth looking at: a cluster stopped on the way (with a data warning when there is
    one), an evaluation page whose criteria carry a warning, a county feedback page with errors."""
    rows = _decisions(folder)
    warned = _warned(folder)
    stopped = [r for r in rows if r["final_status"] in ("not_recommended", "objection_upheld", "ineligible")]
    cluster = next((r for r in stopped if r["submission_id"] in warned), stopped[0] if stopped else rows[0])
    evaluated = [r for r in rows if (folder / evaluation_relpath(r["submission_id"])).exists()]
    evaluation = next(
        (r for r in evaluated if r["submission_id"] in warned), evaluated[0] if evaluated else rows[0]
    )
    invalid = next((r for r in rows if r["final_status"] == "invalid"), rows[0])
    found = {
        "index": folder / "index.html",
        "cluster": folder / cluster_relpath(cluster["submission_id"]),
        "evaluation": folder / evaluation_relpath(evaluation["submission_id"]),
        "feedback": folder / feedback_relpath(invalid["submission_id"]),
        "clusters": folder / "clusters.html",
        "scores": folder / "scores.html",
        "certified": folder / "certified.html",
    }
    own = folder / "prefectures" / f"{cluster['prefecture_code']}.html"  # the list the cluster stopped on
    prefecture = [own] if own.exists() else sorted((folder / "prefectures").glob("*.html"))
    if prefecture:
        found["prefecture"] = prefecture[0]
    return {name: path for name, path in found.items() if path.exists()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where the PNGs (and the sample folder) go")
    parser.add_argument("--count", type=int, default=24, help="sample submissions to generate")
    parser.add_argument("--folder", type=Path, help="an existing report folder to photograph instead")
    args = parser.parse_args(argv)
    folder = args.folder
    if folder is None:
        from clustercert.samples.campaign_run import run_sample_campaign

        sample = args.out / "sample"
        if sample.exists():
            shutil.rmtree(sample)
        folder = run_sample_campaign(sample, count=args.count)
    for name, page in pages(folder).items():
        png = screenshot(page, args.out / f"{name}.png")
        print(f"{name}: {png}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
