"""The unit of work every registry write goes through: status moves, audited fact changes, reads.

`Transaction` (store.py) is this core plus the campaign and dynamic-management writes. One
transaction is one stage of a flow: everything it wrote commits together or not at all. Every status
move is checked by `clustercert.lifecycle` and written to the audit log in the same transaction;
nothing here updates or deletes an audit entry.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar, TypeVarTuple, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.util import find_tables

from clustercert.lifecycle import ARTICLES, EntityKind, Status, check_transition, is_settled
from clustercert.reference import county
from clustercert.registry.models import (
    TABLES,
    AuditEntry,
    Base,
    Campaign,
    Certification,
    ChangeFiling,
    Cluster,
    Evaluation,
    MonitoringReport,
    RegistryRevision,
    RevocationProposal,
    StageRun,
    Submission,
)
from clustercert.registry.payload import payload_to_cluster_data
from clustercert.submission import ClusterData

K = EntityKind


class RegistryError(Exception):
    """A request the registry cannot honour; always a bug or a contradiction, never bad county data."""


class NotFound(RegistryError, LookupError):
    """No such campaign, submission or certificate in the registry."""


class Conflict(RegistryError):
    """The input contradicts what is already recorded (a certificate id reused, a decision reversed)."""


def cluster_key(county_code: str | None, cluster_name: str | None) -> str | None:
    """A cluster's identity: its Heilongjiang county and its name, normalised.

    NFKC folds full-width characters, whitespace is dropped and Latin letters case-folded, so
    "尚志市 冰雪 产业集群" and "尚志市冰雪产业集群" are the same cluster. None when either part is
    missing or the county is not a Heilongjiang county (such a submission is invalid anyway).
    """
    if not county_code or not cluster_name or county(county_code) is None:
        return None
    name = "".join(unicodedata.normalize("NFKC", cluster_name).split()).casefold()
    return f"{county_code}/{name}" if name else None


def _json_default(obj: Any) -> Any:
    if isinstance(obj, EncodedJSON):
        return obj.value
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    if hasattr(obj, "item"):  # numpy scalar
        return obj.item()
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def _canonical_text(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


def jsonable(value: Any) -> Any:
    """A canonical JSON value: decimals as text (exact), dates as ISO text, tuples as lists."""
    return json.loads(_canonical_text(value))


class EncodedJSON(Mapping[str, Any]):
    """A canonical JSON object (`jsonable`) kept as its encoded text, which the registry's engine
    writes as it is (`json_text`): a submission's payload is about 100 kB of JSON, a campaign writes
    thousands, and neither encoding it again nor decoding it is needed to store it. Read as a
    mapping, it decodes its text (once)."""

    __slots__ = ("_value", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._value: dict[str, Any] | None = None

    @property
    def value(self) -> dict[str, Any]:
        if self._value is None:
            self._value = json.loads(self.text)
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self.value[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)

    def __repr__(self) -> str:
        return f"EncodedJSON({self.text[:60]!r}…)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (EncodedJSON, (self.text,))


def encoded(value: Mapping[str, Any]) -> EncodedJSON:
    """`value` as canonical JSON text (see `EncodedJSON`)."""
    if isinstance(value, EncodedJSON):
        return value
    return EncodedJSON(_canonical_text(value))


def json_text(value: Any) -> str:
    """The registry engine's JSON serializer: an `EncodedJSON` as its kept text, anything else as
    SQLAlchemy would write it."""
    if type(value) is EncodedJSON:
        return value.text
    return json.dumps(value)


def as_utc(value: datetime | str | None) -> datetime | None:
    """An aware UTC instant from a datetime or ISO 8601 text (naive means UTC, as intake writes it)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


R = TypeVar("R", bound=Base)
_Row = TypeVarTuple("_Row")  # what a query selects

_STATUS_ROWS: dict[EntityKind, type[Submission] | type[Certification]] = {
    K.SUBMISSION: Submission,
    K.CERTIFICATION: Certification,
}

# Moves that carry more than a status: they go through the method that records the rest.
_MANAGED: dict[tuple[EntityKind, Status], str] = {
    (K.SUBMISSION, Status.CERTIFIED): "certify",
    (K.SUBMISSION, Status.SUPERSEDED): "record_submission",
    (K.CERTIFICATION, Status.RENEWED): "extend_validity",
    (K.CERTIFICATION, Status.REVOCATION_PROPOSED): "record_revocation_proposal",
    (K.CERTIFICATION, Status.CLEARED): "decide_revocation",
}


class TransactionCore:
    def __init__(
        self,
        session: Session,
        *,
        clock: Callable[[], datetime],
        flow_run_id: str | None = None,
        actor: str = "clustercert",
    ) -> None:
        self.session = session
        self.clock = clock
        self.flow_run_id = flow_run_id
        self.actor = actor

    # -- audit -------------------------------------------------------------------------------
    def _audit(
        self,
        kind: EntityKind,
        entity_id: str,
        *,
        reason: str,
        article: str,
        from_status: str | None = None,
        to_status: str | None = None,
        field: str | None = None,
        old_value: Any = None,
        new_value: Any = None,
        flow_run_id: str | None = None,
    ) -> None:
        """One audit entry, written with the transaction's others in one statement (see
        `_write_pending_audit`): as ORM objects they cost ~80 µs each, and a stage writes thousands."""
        self.session.info.setdefault(PENDING_AUDIT, []).append(
            {
                "at": self.clock(),
                "entity_kind": str(kind),
                "entity_id": str(entity_id),
                "from_status": None if from_status is None else str(from_status),
                "to_status": None if to_status is None else str(to_status),
                "field": field,
                "old_value": None if old_value is None else str(old_value),
                "new_value": None if new_value is None else str(new_value),
                "reason": reason,
                "article": article,
                "flow_run_id": flow_run_id or self.flow_run_id,
                "actor": self.actor,
            }
        )

    def _set_field(
        self,
        kind: EntityKind,
        entity_id: str,
        row: Base,
        field: str,
        value: Any,
        *,
        reason: str,
        article: str,
    ) -> bool:
        """Change one fact of a row, with an audit entry; False (and nothing written) if unchanged."""
        old = getattr(row, field)
        if old == value:
            return False
        setattr(row, field, value)
        if hasattr(row, "updated_at"):
            row.updated_at = self.clock()
        self._audit(
            kind, entity_id, field=field, old_value=old, new_value=value, reason=reason, article=article
        )
        return True

    # -- status ------------------------------------------------------------------------------
    def transition(
        self,
        entity_kind: EntityKind | str,
        entity_id: str,
        to_status: Status | str,
        *,
        reason: str,
        article: str | None = None,
        flow_run_id: str | None = None,
    ) -> bool:
        """Move a submission or certificate to `to_status`, audited; False when already there or past.

        `article` defaults to the one the lifecycle names for the target status; `flow_run_id` to the
        transaction's. Raises `IllegalTransition` for a move the lifecycle forbids, and `RegistryError`
        for a move that needs more than a status (use the method named in the message).
        """
        kind, target = EntityKind(entity_kind), Status(to_status)
        if (kind, target) in _MANAGED:
            raise RegistryError(
                f"{kind} → {target} is recorded by {_MANAGED[kind, target]}(), not transition()"
            )
        return self._move(kind, entity_id, target, reason=reason, article=article, flow_run_id=flow_run_id)

    def _move(
        self,
        kind: EntityKind,
        entity_id: str,
        target: Status,
        *,
        reason: str,
        article: str | None,
        flow_run_id: str | None = None,
    ) -> bool:
        row = self._status_row(kind, entity_id)
        if is_settled(row.status, target, kind):
            return False
        check_transition(row.status, target, kind)
        self._audit(
            kind,
            entity_id,
            from_status=row.status,
            to_status=target,
            reason=reason,
            article=article or ARTICLES[target],
            flow_run_id=flow_run_id,
        )
        row.status = str(target)
        row.updated_at = self.clock()
        return True

    def _status_row(self, kind: EntityKind, entity_id: str) -> Submission | Certification:
        model = _STATUS_ROWS.get(kind)
        if model is None:
            raise RegistryError(f"{kind} has no status")
        row = self._get(model, entity_id)
        if row is None:
            raise NotFound(f"no {kind} {entity_id!r}")
        return row

    def _get(self, model: type[R], key: Any) -> R | None:
        return self.session.get(model, key)

    def require(self, model: type[R], key: Any) -> R:
        """The `model` row of primary key `key`, which the caller knows exists (`NotFound` if not)."""
        row = self.session.get(model, key)
        if row is None:
            raise NotFound(f"no {model.__tablename__} row {key!r}")
        return row

    # -- reads (deterministic order: every list is sorted by its natural key) -------------------
    # -- the registry's revision and the campaign's completed stages ---------------------------------
    def revision(self) -> int:
        """How many transactions have written to the registry (see `move_revision_on_commit`)."""
        found = self.session.scalar(sa.select(RegistryRevision.revision).where(RegistryRevision.id == 1))
        return int(found or 0)

    def stage_runs(self, year: int) -> dict[str, StageRun]:
        query = sa.select(StageRun).where(StageRun.campaign_year == year)
        return {row.stage: row for row in self.session.scalars(query)}

    def note_stage(self, note: StageNote, summary: dict[str, Any]) -> None:
        """The stage `note` follows has completed: keep its summary beside the revisions it took the
        registry between. A note is no write of the registry's content: it does not move the revision."""
        _write_note(self.session, note, summary, completed_at=self.clock())

    def campaign(self, year: int) -> Campaign | None:
        return self.session.get(Campaign, year)

    def submission(self, submission_id: str) -> Submission | None:
        return self.session.get(Submission, submission_id)

    def submissions(
        self,
        year: int,
        *,
        status: Status | str | Iterable[str] | None = None,
        include_superseded: bool = True,
        payload: bool = True,
    ) -> list[Submission]:
        """The campaign's submissions; `payload=False` leaves the typed tables in the database (a
        listing of thousands of rows would otherwise load megabytes it does not read)."""
        query = sa.select(Submission).where(Submission.campaign_year == year)
        if not payload:
            query = query.options(defer(Submission.payload))
        if not include_superseded:
            query = query.where(Submission.status != Status.SUPERSEDED)
        query = _filter_status(query, Submission.status, status)
        return list(self.session.scalars(query.order_by(Submission.submission_id)))

    def current_submissions(self, year: int, *, payload: bool = True) -> list[Submission]:
        """The campaign's submissions that count: every one but those a corrected file replaced."""
        return self.submissions(year, include_superseded=False, payload=payload)

    def cluster_data(self, submission_id: str) -> ClusterData | None:
        """A validated submission's typed tables, as its payload keeps them (None without one)."""
        row = self.submission(submission_id)
        if row is None or not row.payload:
            return None
        return payload_to_cluster_data(row.submission_id, row.file_name, row.sha256, row.payload)

    def preload(self, year: int, *, evaluations: bool = False) -> None:
        """Load the campaign's submissions (and, for a stage that records verdicts, its evaluations)
        into this transaction at once.

        A stage then records hundreds of rows without a query per row: `session.get` finds the
        submissions in the identity map, `evaluation()` finds the evaluations here, and the inserts
        and updates go to the database together when the transaction ends (SQLAlchemy batches
        them: one statement for many rows). Evaluations carry their criteria as JSON, decoded when
        loaded: only a stage that compares verdicts asks for them.
        """
        query = (
            sa.select(Submission)
            .where(Submission.campaign_year == year)
            .options(defer(Submission.payload))
            .execution_options(populate_existing=True)  # what is committed now, not an earlier read
        )
        # the identity map holds rows weakly: keep them for the transaction's life
        self._submissions = {row.submission_id: row for row in self.session.scalars(query)}
        if not evaluations:
            return
        evaluations_query = sa.select(Evaluation).join(Submission).where(Submission.campaign_year == year)
        self._evaluations = {
            (e.submission_id, e.policy_name): e for e in self.session.scalars(evaluations_query)
        }

    def evaluation(self, submission_id: str, policy_name: str) -> Evaluation | None:
        cached = getattr(self, "_evaluations", None)
        if cached is not None:
            found = cached.get((submission_id, policy_name))
            if found is not None or self._belongs_to_preloaded(submission_id):
                return found
        query = sa.select(Evaluation).where(
            Evaluation.submission_id == submission_id, Evaluation.policy_name == policy_name
        )
        return self.session.scalars(query).one_or_none()

    def _belongs_to_preloaded(self, submission_id: str) -> bool:
        return submission_id in getattr(self, "_submissions", {})

    def _remember_evaluation(self, row: Evaluation) -> None:
        cached = getattr(self, "_evaluations", None)
        if cached is not None:
            cached[(row.submission_id, row.policy_name)] = row

    def evaluations(
        self, year: int | None = None, *, policy_name: str | None = None, criteria: bool = True
    ) -> list[Evaluation]:
        """The evaluations (of a campaign, under a policy); `criteria=False` leaves each one's criteria
        rows (the largest column) unread until asked for."""
        query = sa.select(Evaluation).join(Submission)
        if not criteria:
            query = query.options(defer(Evaluation.criteria))
        if year is not None:
            query = query.where(Submission.campaign_year == year)
        if policy_name is not None:
            query = query.where(Evaluation.policy_name == policy_name)
        return list(self.session.scalars(query.order_by(Evaluation.submission_id, Evaluation.policy_name)))

    def cluster(self, key: str) -> Cluster | None:
        return self.session.get(Cluster, key)

    def clusters(self) -> list[Cluster]:
        return list(self.session.scalars(sa.select(Cluster).order_by(Cluster.cluster_key)))

    def certification(self, certificate_id: str) -> Certification | None:
        return self.session.get(Certification, certificate_id)

    def certification_for(self, submission_id: str) -> Certification | None:
        query = sa.select(Certification).where(Certification.submission_id == submission_id)
        return self.session.scalars(query).one_or_none()

    def certifications(
        self, as_of: date | None = None, status: Status | str | Iterable[str] | None = None
    ) -> list[Certification]:
        """Certificates issued on or before `as_of` (all when None), optionally of given statuses."""
        query = sa.select(Certification)
        if as_of is not None:
            query = query.where(Certification.certified_on <= as_of)
        query = _filter_status(query, Certification.status, status)
        return list(self.session.scalars(query.order_by(Certification.certificate_id)))

    def monitoring_reports(
        self, report_year: int | None = None, *, certificate_id: str | None = None
    ) -> list[MonitoringReport]:
        query = sa.select(MonitoringReport)
        if report_year is not None:
            query = query.where(MonitoringReport.report_year == report_year)
        if certificate_id is not None:
            query = query.where(MonitoringReport.certificate_id == certificate_id)
        order = (MonitoringReport.report_year, MonitoringReport.certificate_id)
        return list(self.session.scalars(query.order_by(*order)))

    def change_filings(self, certificate_id: str | None = None) -> list[ChangeFiling]:
        query = sa.select(ChangeFiling)
        if certificate_id is not None:
            query = query.where(ChangeFiling.certificate_id == certificate_id)
        order = (
            ChangeFiling.certificate_id,
            ChangeFiling.changed_on,
            ChangeFiling.change_type,
            ChangeFiling.id,
        )
        return list(self.session.scalars(query.order_by(*order)))

    def revocation_proposals(
        self, certificate_id: str | None = None, *, decision: str | Iterable[str] | None = None
    ) -> list[RevocationProposal]:
        query = sa.select(RevocationProposal)
        if certificate_id is not None:
            query = query.where(RevocationProposal.certificate_id == certificate_id)
        query = _filter_status(query, RevocationProposal.decision, decision)
        order = (
            RevocationProposal.certificate_id,
            RevocationProposal.ground,
            RevocationProposal.evidence_key,
        )
        return list(self.session.scalars(query.order_by(*order)))

    def audit(
        self, entity_id: str | None = None, *, entity_kind: EntityKind | str | None = None
    ) -> list[AuditEntry]:
        """History in the order it was written (ids only grow)."""
        query = sa.select(AuditEntry)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == str(entity_id))
        if entity_kind is not None:
            query = query.where(AuditEntry.entity_kind == str(entity_kind))
        return list(self.session.scalars(query.order_by(AuditEntry.id)))

    def last_moves(self, entity_kind: EntityKind | str, entity_ids: Iterable[str]) -> dict[str, AuditEntry]:
        """Each entity's latest status move (its reason and article explain where it stands)."""
        ids = [str(i) for i in entity_ids]
        found: dict[str, AuditEntry] = {}
        for start in range(0, len(ids), 500):
            query = (
                sa.select(AuditEntry)
                .where(
                    AuditEntry.entity_kind == str(entity_kind),
                    AuditEntry.entity_id.in_(ids[start : start + 500]),
                    AuditEntry.to_status.is_not(None),
                )
                .order_by(AuditEntry.id)
            )
            for entry in self.session.scalars(query):
                found[entry.entity_id] = entry
        return found

    def history(self, entity_ids: Iterable[str]) -> dict[str, list[AuditEntry]]:
        """Every audit entry about each entity, oldest first (a cluster page's timeline)."""
        ids = [str(i) for i in entity_ids]
        found: dict[str, list[AuditEntry]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            query = (
                sa.select(AuditEntry)
                .where(AuditEntry.entity_id.in_(ids[start : start + 500]))
                .order_by(AuditEntry.id)
            )
            for entry in self.session.scalars(query):
                found[entry.entity_id].append(entry)
        return found

    def payloads(self, submission_ids: Iterable[str]) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(submission id, file, sha256, payload) of each validated submission, in the order asked."""
        ids = [str(i) for i in submission_ids]
        found: dict[str, tuple[str, str, str, dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            query = sa.select(
                Submission.submission_id, Submission.file_name, Submission.sha256, Submission.payload
            ).where(Submission.submission_id.in_(ids[start : start + 500]), Submission.payload.is_not(None))
            for sid, file, sha, payload in self.session.execute(query):
                found[sid] = (sid, file, sha, payload)
        return [found[i] for i in ids if i in found]

    def profiles(self, submission_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The typed 基本信息 of each validated submission (from its payload), without the tables."""
        ids = [str(i) for i in submission_ids]
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            query = sa.select(Submission.submission_id, Submission.payload["profile"]).where(
                Submission.submission_id.in_(ids[start : start + 500]), Submission.payload.is_not(None)
            )
            for sid, profile in self.session.execute(query):
                found[sid] = profile if isinstance(profile, dict) else json.loads(profile or "{}")
        return found

    def row_counts(self) -> dict[str, int]:
        """Rows per table: what an idempotent re-run must leave unchanged."""
        return {
            table.name: self.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in TABLES
        }


def _filter_status(
    query: sa.Select[*_Row], column: Any, status: str | Iterable[str] | None
) -> sa.Select[*_Row]:
    if status is None:
        return query
    wanted: Sequence[str] = [status] if isinstance(status, str) else [str(s) for s in status]
    return query.where(column.in_(wanted))


def _plain(summary: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(summary, default=str))


def _note_writes(session: Session, _flush: Any, _instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(row) for row in session.dirty):
        session.info["writes"] = True


@dataclass
class StageNote:
    """A campaign stage in progress on given inputs (`Registry.noting_stage`): every transaction
    that writes while it runs notes the stage in `stage_runs` as it commits, so a crash after the
    stage's record and before its end leaves a note that says so (the registry's revision and the
    note never disagree)."""

    year: int
    stage: str
    inputs_sha256: str
    revision_before: int
    flow_run_id: str | None
    clock: Callable[[], datetime]
    revision_after: int | None = None  # the revision of the stage's last write, None before one

    @property
    def ended_at(self) -> int:
        return self.revision_before if self.revision_after is None else self.revision_after


STAGE_IN_PROGRESS: ContextVar[StageNote | None] = ContextVar("clustercert_stage_in_progress", default=None)


# session.info key: the audit entries a transaction wrote and has not sent to the database yet
PENDING_AUDIT = "clustercert_pending_audit"


def _write_pending_audit(session: Session) -> bool:
    """Insert the transaction's pending audit entries (in the order written: their ids keep it) in
    one executemany; False when there were none."""
    rows = session.info.pop(PENDING_AUDIT, None)
    if not rows:
        return False
    session.connection().execute(sa.insert(cast(sa.Table, AuditEntry.__table__)), rows)
    return True


def _write_audit_before_reading_it(state: Any) -> None:
    """A query of the audit log inside the transaction that wrote entries finds them all."""
    if state.is_select and state.session.info.get(PENDING_AUDIT) and _reads_audit(state.statement):
        _write_pending_audit(state.session)


def _reads_audit(statement: Any) -> bool:
    return AuditEntry.__table__ in find_tables(statement, include_joins=True, include_aliases=True)


def _move_revision(session: Session) -> None:
    if _write_pending_audit(session):
        session.info["writes"] = True
    session.flush()  # what is still pending is noted by _note_writes
    if not session.info.pop("writes", False):
        return
    moved = session.execute(
        sa.update(RegistryRevision)
        .where(RegistryRevision.id == 1)
        .values(revision=RegistryRevision.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]  # a registry emptied by hand: count anew
        session.execute(sa.insert(RegistryRevision).values(id=1, revision=1))
    note = STAGE_IN_PROGRESS.get()
    if note is not None:
        note.revision_after = int(
            session.scalar(sa.select(RegistryRevision.revision).where(RegistryRevision.id == 1)) or 0
        )
        _write_note(session, note, {"stage": note.stage, "recorded": True}, completed_at=note.clock())


def _write_note(
    session: Session, note: StageNote, summary: dict[str, Any], *, completed_at: datetime
) -> None:
    """Insert or update the stage's row in one statement: two campaigns that note the same stage at
    once both succeed (the later note wins) instead of one failing on the key."""
    values = {
        "campaign_year": note.year,
        "stage": note.stage,
        "inputs_sha256": note.inputs_sha256,
        "revision_before": note.revision_before,
        "revision_after": note.ended_at,
        "summary": _plain(summary),
        "flow_run_id": note.flow_run_id,
        "completed_at": completed_at,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(StageRun.__table__).values(**values)
    keys = ("campaign_year", "stage")
    session.execute(
        insert.on_conflict_do_update(
            index_elements=list(keys), set_={k: insert.excluded[k] for k in values if k not in keys}
        )
    )


def _forget_writes(session: Session, *_args: Any) -> None:
    session.info.pop("writes", None)
    session.info.pop(PENDING_AUDIT, None)


def move_revision_on_commit(sessions: Any) -> None:
    """Every transaction of these sessions that writes moves the registry's revision on by one
    when it commits (the revision's own row is not a write)."""
    sa.event.listen(sessions, "before_flush", _note_writes)
    sa.event.listen(sessions, "before_commit", _move_revision)
    sa.event.listen(sessions, "after_rollback", _forget_writes)
    sa.event.listen(sessions, "do_orm_execute", _write_audit_before_reading_it)
