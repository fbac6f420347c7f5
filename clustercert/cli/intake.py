"""`clustercert template` and `clustercert validate`: the county's side, no campaign needed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    p.add_argument("--year", type=int, help="campaign year (default: the one the workbook declares)")
    p.add_argument("--out", type=Path, help="also write feedback pages and validation_issues.csv here")
    p.add_argument(
        "--engine",
        choices=("pandas", "gx"),
        default="pandas",
        help="expectations engine: pandas (instant; same checks, parity-tested) or gx (Great Expectations)",
    )
    p.set_defaults(handler=validate)


def template(args: argparse.Namespace) -> int:
    from clustercert.template import write_template

    path = write_template(args.out, args.year)
    print(f"模板已生成 / template written: {path}")
    return 0


def validate(args: argparse.Namespace) -> int:
    from clustercert.cli import UsageError

    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    from clustercert.intake import read_submission
    from clustercert.issue import write_issues_csv
    from clustercert.validation import validate_submissions

    subs = [read_submission(f, campaign_year=args.year) for f in args.files]
    results, _ = validate_submissions(subs, engine=args.engine)
    for sub, result in zip(subs, results, strict=True):
        verdict = "通过 valid" if result.valid else "未通过 invalid"
        print(
            f"{sub.file}: {verdict} — {len(result.errors)} 个错误 errors, {len(result.warnings)} 条提示 warnings"
        )
        for issue in result.issues:
            where = "".join(
                [
                    f"“{issue.sheet}”" if issue.sheet else "",
                    f" 第{issue.row}行" if issue.row else "",
                    f"“{issue.column}”" if issue.column else "",
                ]
            )
            mark = "错误" if issue.is_error else "提示"
            print(f"  [{mark}] {where}：{issue.message}" if where else f"  [{mark}] {issue.message}")
    if args.out:
        from clustercert.campaign.outputs import write_feedback

        for sub, result in zip(subs, results, strict=True):
            page = write_feedback(args.out, sub, result)
            print(f"反馈 / feedback: {page}")
        write_issues_csv([i for r in results for i in r.issues], args.out / "validation_issues.csv")
    sys.stdout.flush()
    return 0 if all(r.valid for r in results) else 1
