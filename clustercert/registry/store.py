"""The registry: where the campaign and dynamic management keep what they decided.

    registry = Registry.open()  # CLUSTERCERT_DB_URL, else sqlite:///var/clustercert.db
    with registry.transaction(flow_run_id=run_id) as tx:  # one stage = one transaction
        tx.record_submission(...)
        tx.transition(EntityKind.SUBMISSION, sid, Status.RECOMMENDED, reason="…", article="第九条")

Opening a registry migrates it to the newest schema (Alembic, from the installed package). Reads are
available on the registry itself (each in its own short transaction); writes only inside
`transaction()`, so a stage's writes commit or roll back together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

from clustercert.lifecycle import EntityKind, Status, utc_now
from clustercert.registry import migrate
from clustercert.registry.campaign import CampaignWrites
from clustercert.registry.certify import CertificationWrites
from clustercert.registry.core import STAGE_IN_PROGRESS, StageNote, json_text, move_revision_on_commit
from clustercert.registry.dynamic import DynamicWrites
from clustercert.registry.models import (
    AuditEntry,
    Campaign,
    Certification,
    ChangeFiling,
    Cluster,
    Evaluation,
    MonitoringReport,
    RevocationProposal,
    Submission,
)

DEFAULT_URL = "sqlite:///var/clustercert.db"  # relative to the working directory
URL_ENV = "CLUSTERCERT_DB_URL"
VAR_ENV = "CLUSTERCERT_VAR"  # the folder of a machine's clustercert state (var/ by default)


# pg_advisory_xact_lock key of stage records ("clustercert writes"; not the migrations' key).
WRITE_LOCK = 0x636C7577726974


class RegistryUnavailable(Exception):
    """The registry URL cannot be used: malformed, an unknown database, or the server unreachable.

    A problem of the environment, not of the data: the command stops before any work with this
    message (the URL is shown without its password).
    """

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage  # True: the URL itself is wrong (exit 2); False: unreachable (exit 1)


class Transaction(CampaignWrites, CertificationWrites, DynamicWrites):
    """One unit of work: every write method of the registry, and the reads, on one session."""


def resolve_url(url: str | None = None) -> str:
    """An explicit URL, else $CLUSTERCERT_DB_URL, else the SQLite file `clustercert.db` under
    $CLUSTERCERT_VAR (made absolute: a worker runs flows in a folder of its own), else under ./var/."""
    if url or os.environ.get(URL_ENV):
        return url or os.environ[URL_ENV]
    var = os.environ.get(VAR_ENV)
    if var:
        return f"sqlite:///{(Path(var) / 'clustercert.db').resolve()}"
    return DEFAULT_URL


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" below open transactions
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA busy_timeout=30000")  # parallel tasks wait for the writer instead of failing
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock up front: two deferred transactions that both read and then write would
    # deadlock, and SQLite resolves that by failing one at once (busy_timeout does not help).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _unusable_url(url: str, exc: Exception) -> str:
    return (
        f"登记库地址无法使用 / registry URL not usable: {_shown(url)} ({exc}); "
        "use sqlite:///path/to/file.db or postgresql+psycopg://user@host/db"
    )


def _unreachable(url: str, exc: Exception) -> str:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return f"无法连接登记库 / cannot open the registry {_shown(url)}: {detail}"


def create_registry_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # An unreachable server answers within seconds instead of hanging a run.
        connect = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
        return sa.create_engine(url, pool_pre_ping=True, connect_args=connect, json_serializer=json_text)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, json_serializer=json_text)
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


class Registry:
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        move_revision_on_commit(self._sessions)

    @classmethod
    def open(
        cls, url: str | None = None, *, clock: Callable[[], datetime] = utc_now, upgrade: bool = True
    ) -> Registry:
        """Connect and bring the schema to the newest migration (`alembic upgrade head`).

        Raises `RegistryUnavailable` (one clear line) when the URL cannot be used.
        """
        resolved = resolve_url(url)
        try:
            engine = create_registry_engine(resolved)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise RegistryUnavailable(_unusable_url(resolved, exc), usage=True) from None
        except OSError as exc:
            raise RegistryUnavailable(_unreachable(resolved, exc)) from None
        try:
            if upgrade:
                migrate.upgrade(engine)
            else:
                with engine.connect():
                    pass
        except (sa.exc.OperationalError, sa.exc.InterfaceError, OSError) as exc:
            engine.dispose()
            raise RegistryUnavailable(_unreachable(resolved, exc)) from None
        return cls(engine, clock=clock)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(
        self, *, flow_run_id: str | None = None, actor: str = "clustercert"
    ) -> Iterator[Transaction]:
        """All writes inside commit together when the block ends, or none if it raises.

        `flow_run_id` and `actor` are stamped on every audit entry the block writes.
        """
        session = self._sessions()
        try:
            yield Transaction(session, clock=self.clock, flow_run_id=flow_run_id, actor=actor)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def noting_stage(
        self, year: int, stage: str, inputs_sha256: str, *, flow_run_id: str | None = None
    ) -> Iterator[StageNote]:
        """A campaign stage runs inside this block on `inputs_sha256`: each of its transactions that
        writes notes it in `stage_runs` in the same commit (`StageNote`); `Transaction.note_stage`
        adds its summary when it has completed.

        When a run of this stage on the same inputs left the registry as it now is (it recorded and
        was killed before it completed, say), this run starts where that one started: what that
        one wrote is this stage's work on these inputs, so the stages before it still chain on.
        """
        with self.transaction() as tx:
            before, after = tx.revision(), None
            left = tx.stage_runs(year).get(stage)
            if left is not None and left.inputs_sha256 == inputs_sha256 and left.revision_after == before:
                before, after = left.revision_before, left.revision_after
        note = StageNote(year, stage, inputs_sha256, before, flow_run_id, self.clock, after)
        token = STAGE_IN_PROGRESS.set(note)
        try:
            yield note
        finally:
            STAGE_IN_PROGRESS.reset(token)

    @contextmanager
    def recording(
        self, *, flow_run_id: str | None = None, actor: str = "clustercert"
    ) -> Iterator[Transaction]:
        """A stage's record step: one transaction that holds the registry's write lock.

        Two runs may record at once (two campaigns started together, a schedule beside an operator's
        re-run). On PostgreSQL the transaction first takes a transaction-scoped advisory lock, so
        they take turns and the second one reads what the first committed: it finds its moves made
        and writes nothing twice. SQLite already admits one writer at a time (BEGIN IMMEDIATE).
        """
        with self.transaction(flow_run_id=flow_run_id, actor=actor) as tx:
            if tx.session.get_bind().dialect.name == "postgresql":
                tx.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield tx

    # -- reads, each in its own transaction; rows come back detached (plain snapshots) ---------------
    def campaign(self, year: int) -> Campaign | None:
        with self.transaction() as tx:
            return tx.campaign(year)

    def submission(self, submission_id: str) -> Submission | None:
        with self.transaction() as tx:
            return tx.submission(submission_id)

    def submissions(self, year: int, *, status: str | Iterable[str] | None = None) -> list[Submission]:
        with self.transaction() as tx:
            return tx.submissions(year, status=status)

    def current_submissions(self, year: int) -> list[Submission]:
        with self.transaction() as tx:
            return tx.current_submissions(year)

    def evaluations(self, year: int | None = None, *, policy_name: str | None = None) -> list[Evaluation]:
        with self.transaction() as tx:
            return tx.evaluations(year, policy_name=policy_name)

    def cluster(self, key: str) -> Cluster | None:
        with self.transaction() as tx:
            return tx.cluster(key)

    def certification(self, certificate_id: str) -> Certification | None:
        with self.transaction() as tx:
            return tx.certification(certificate_id)

    def certifications(
        self, as_of: date | None = None, status: Status | str | Iterable[str] | None = None
    ) -> list[Certification]:
        with self.transaction() as tx:
            return tx.certifications(as_of, status)

    def monitoring_reports(
        self, report_year: int | None = None, *, certificate_id: str | None = None
    ) -> list[MonitoringReport]:
        with self.transaction() as tx:
            return tx.monitoring_reports(report_year, certificate_id=certificate_id)

    def change_filings(self, certificate_id: str | None = None) -> list[ChangeFiling]:
        with self.transaction() as tx:
            return tx.change_filings(certificate_id)

    def revocation_proposals(
        self, certificate_id: str | None = None, *, decision: str | Iterable[str] | None = None
    ) -> list[RevocationProposal]:
        with self.transaction() as tx:
            return tx.revocation_proposals(certificate_id, decision=decision)

    def audit(
        self, entity_id: str | None = None, *, entity_kind: EntityKind | str | None = None
    ) -> list[AuditEntry]:
        with self.transaction() as tx:
            return tx.audit(entity_id, entity_kind=entity_kind)

    def row_counts(self) -> dict[str, int]:
        with self.transaction() as tx:
            return tx.row_counts()
