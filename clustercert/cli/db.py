"""`clustercert db upgrade | current`: the registry's schema, migrated once and on purpose.

Every run also brings the schema to head when it finds it behind (under a PostgreSQL advisory lock,
so concurrent runs migrate once); in production an operator runs `clustercert db upgrade` after each
upgrade of the package, before starting workers.
"""

from __future__ import annotations

import argparse

from clustercert.cli.common import add_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "db", help="the registry database: migrate it (upgrade) or show its revision (current)"
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="bring the registry to the newest schema (Alembic head)")
    add_db(upgrade)
    upgrade.set_defaults(handler=run_upgrade)
    current = actions.add_parser("current", help="print the registry's schema revision and the newest one")
    add_db(current)
    current.set_defaults(handler=run_current)


def _open(url: str | None, *, upgrade: bool):  # -> Registry
    from clustercert.cli import CommandRefused
    from clustercert.registry import Registry, RegistryUnavailable

    try:
        return Registry.open(url, upgrade=upgrade)
    except RegistryUnavailable as exc:
        raise CommandRefused(str(exc), 2 if exc.usage else 1) from None


def run_upgrade(args: argparse.Namespace) -> int:
    from clustercert.registry import migrate

    registry = _open(args.db, upgrade=False)
    try:
        before = migrate.current_revision(registry.engine)
        migrate.upgrade(registry.engine)
        after = migrate.current_revision(registry.engine)
    finally:
        registry.close()
    change = "已是最新 up to date" if before == after else f"{before or '（空库 empty）'} → {after}"
    print(f"登记库 registry {registry.url}: {change}")
    return 0


def run_current(args: argparse.Namespace) -> int:
    from clustercert.registry import migrate

    registry = _open(args.db, upgrade=False)
    try:
        current, head = migrate.current_revision(registry.engine), migrate.head_revision()
    finally:
        registry.close()
    state = "最新 at head" if current == head else "需要升级 behind: run clustercert db upgrade"
    print(f"登记库 registry {registry.url}: revision {current or '（空库 empty）'}, newest {head} — {state}")
    return 0 if current == head else 1
