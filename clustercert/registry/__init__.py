"""The registry (SPEC §2, §6): campaigns, submissions, evaluations, certificates, dynamic
management, and the append-only audit log, on SQLite or PostgreSQL with Alembic migrations."""

from clustercert.registry.certify import CertificationInput
from clustercert.registry.core import Conflict, NotFound, RegistryError, cluster_key
from clustercert.registry.dynamic import CHANGE_FIELDS, DECISION_WORDS, ReportStatus
from clustercert.registry.payload import cluster_data_to_payload, payload_to_cluster_data
from clustercert.registry.store import (
    DEFAULT_URL,
    URL_ENV,
    Registry,
    RegistryUnavailable,
    Transaction,
    resolve_url,
)

__all__ = [
    "CHANGE_FIELDS",
    "DECISION_WORDS",
    "DEFAULT_URL",
    "URL_ENV",
    "CertificationInput",
    "Conflict",
    "NotFound",
    "Registry",
    "RegistryError",
    "RegistryUnavailable",
    "ReportStatus",
    "Transaction",
    "cluster_data_to_payload",
    "cluster_key",
    "payload_to_cluster_data",
    "resolve_url",
]
