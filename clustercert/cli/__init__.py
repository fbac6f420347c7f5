"""`clustercert` command line: the same flows as the deployments, run locally.

Each command lives in its own module with a `register(subparsers)` function; heavy imports
(Prefect, Great Expectations, pandas) happen inside the command, so `--help` and `validate` start fast.
Exit codes: 0 success, 1 the input has problems (e.g. an invalid submission), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from clustercert.environment import EnvironmentFailed, prepare

COMMAND_MODULES = (
    "clustercert.cli.intake",
    "clustercert.cli.campaign",
    "clustercert.cli.management",
    "clustercert.cli.serve",
    "clustercert.cli.db",
    "clustercert.cli.compare",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="clustercert",
        description="黑龙江省中小企业特色产业集群认定管理 (黑工信企业规〔2023〕8号) — certification pipeline",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not installed in this build
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prepare()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UsageError as exc:
        parser.error(str(exc))  # exits 2
    except CommandRefused as exc:
        print(f"clustercert {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except EnvironmentFailed as exc:
        print(f"clustercert {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader left (`| head`): the rest of the output goes nowhere
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 2


def run() -> NoReturn:
    """The `clustercert` program: `main()`, then leave at once.

    What a program must do at exit still happens here, in the interpreter's own order: wait for
    threads that are not daemons, run the exit handlers (Prefect drains its log and event workers,
    `logging` closes its files), flush stdout and stderr. What is left out is tearing the
    interpreter down object by object: about a second after a campaign (hundreds of MB of frames
    and records that the operating system frees at once), on every command.
    """
    code = main()
    leave(code)


def leave(code: int) -> NoReturn:
    import atexit
    import contextlib
    import os
    import threading

    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(
            BrokenPipeError, ValueError
        ):  # a reader that left (`| head`), a closed stream
            stream.flush()
    os._exit(code)


class UsageError(Exception):
    """A problem with the command line itself (exit code 2, with the usage line)."""


class CommandRefused(Exception):
    """The command cannot start: one clear line on stderr, exit 2 (usage) or 1 (environment, data)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


if __name__ == "__main__":
    run()
