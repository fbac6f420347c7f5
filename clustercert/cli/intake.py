"""`clustercert template` and `clustercert validate`: the county's side, no campaign needed."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clustercert.issue import Issue
    from clustercert.submission import Submission
    from clustercert.validation import ValidationResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="write the blank submission workbook (申报书模板)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--year", type=int, required=True, help="campaign year Y (prefills Y-3..Y-1)")
    p.set_defaults(handler=template)

    p = sub.add_parser(
        "validate", help="check submission files and write their feedback (exit 1 if any is invalid)"
    )
    p.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help=".xlsx, a folder of CSV files, or .json"
    )
    p.add_argument(
        "--year",
        type=int,
        help="campaign year the files must be for (default: the current year, Asia/Shanghai)",
    )
    p.add_argument(
        "--out", type=Path, help="also write feedback pages, index.html and validation_issues.csv here"
    )
    p.add_argument(
        "--engine",
        choices=("pandas", "gx"),
        default="pandas",
        help="expectations engine: pandas (instant; same checks, parity-tested) or gx (Great Expectations)",
    )
    p.set_defaults(handler=validate)


def _cannot_write(what: str, path: Path, exc: OSError) -> int:
    """One line instead of a traceback when the place to write to cannot be used (exit 2: usage)."""
    blocking = next((p for p in Path(path).parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        reason = f"“{blocking}”是文件而不是文件夹 / {blocking} is a file, not a folder"
    else:
        reason = exc.strerror or type(exc).__name__
    print(f"无法写入{what} / cannot write {path}: {reason}", file=sys.stderr)
    return 2


def template(args: argparse.Namespace) -> int:
    from clustercert.template import write_template

    try:
        path = write_template(args.out, args.year)
    except OSError as exc:  # a folder that is a file, no permission, a full disk
        return _cannot_write("模板", args.out, exc)
    print(f"模板已生成 / template written: {path}")
    return 0


def validate(args: argparse.Namespace) -> int:
    from clustercert.cli import UsageError
    from clustercert.cli.common import today_shanghai

    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    from clustercert.intake import read_submission
    from clustercert.validation import validate_submissions

    year = args.year if args.year is not None else today_shanghai().year
    subs = [read_submission(f, campaign_year=year) for f in args.files]
    results, _ = validate_submissions(subs, engine=args.engine, campaign_year=year)
    print(f"认定年度 / campaign year: {year}")
    for sub, result in zip(subs, results, strict=True):
        verdict = "通过 valid" if result.valid else "未通过 invalid"
        print(
            f"{sub.file}: {verdict} — {len(result.errors)} 个错误 errors, {len(result.warnings)} 条提示 warnings"
        )
        for issue in result.issues:
            print(f"  [{'错误' if issue.is_error else '提示'}] {console_text(issue)}")
    if args.out:
        try:
            write_feedback_folder(args.out, subs, results)
        except OSError as exc:
            return _cannot_write("反馈", args.out, exc)
    sys.stdout.flush()
    # The command ends here: frozen objects are left out of the interpreter's final collections,
    # which would otherwise walk every object of pandas and pandera (~0.2 s of a 1 s command).
    gc.freeze()
    return 0 if all(r.valid for r in results) else 1


def console_text(issue: Issue) -> str:
    """The issue's message, with its location in front only when the message does not already say it."""
    rows = (f"第{issue.row}行", f"第 {issue.row} 行") if issue.row else ()
    told = (
        bool(issue.sheet)
        and issue.sheet in issue.message
        and (not rows or any(r in issue.message for r in rows))
    )
    where = "".join(
        [
            f"“{issue.sheet}”" if issue.sheet else "",
            f" 第{issue.row}行" if issue.row else "",
            f"“{issue.column}”" if issue.column else "",
        ]
    )
    return issue.message if told or not where else f"{where}：{issue.message}"


def write_feedback_folder(out: Path, subs: Sequence[Submission], results: Sequence[ValidationResult]) -> None:
    """Each file's feedback page, an index.html linking them, and validation_issues.csv."""
    from clustercert import reports
    from clustercert.issue import write_issues_csv
    from clustercert.reports.validation import write_feedback

    links = []
    for sub, result in zip(subs, results, strict=True):
        page = write_feedback(out, sub, result)
        print(f"反馈 / feedback: {page}")
        verdict = "通过" if result.valid else "未通过"
        links.append(
            {
                "href": reports.feedback_relpath(result.submission_id),
                "text": f"{sub.file}（{result.submission_id}）",
                "note": f"{verdict}：错误 {len(result.errors)} 项，提示 {len(result.warnings)} 项",
            }
        )
    n_valid = sum(r.valid for r in results)
    index = reports.render_index(
        out,
        title="申报材料校验反馈",
        subtitle="clustercert validate",
        sections=[{"title": "各文件的校验反馈", "links": links}],
        summary={"submitted": len(results), "valid": n_valid, "invalid": len(results) - n_valid},
    )
    print(f"总览 / index: {index}")
    csv_path = write_issues_csv([i for r in results for i in r.issues], out / "validation_issues.csv")
    print(f"问题清单 / issues: {csv_path}")
