"""Audit records for operations that are not GraphQL requests: the command line (import, seed,
migrate, audit prune/export/rotate-key, ...), and later policy reloads, key rotations and
expiry runs.

``operation_record`` builds the record (``operations: ["Cli.import"]``, the operator's login
as ``user``, ``roles: ["operator"]``); inside a running hub, write it with
``hub.audit_log.write(record)`` like any request's. A one-shot process uses
``record_operation``: it is a writer of its own (a fresh writer id, one record, and a final
signed checkpoint, in one transaction), so it never contends with the hub processes.
"""

from __future__ import annotations

import getpass
import logging
import socket
import time
import uuid
from typing import Any

from graph.audit.store import append_sync
from graph.audit.stored import stored
from graph.driver import open_driver
from hub.audit.chain import Chain
from hub.audit.log import AuditRecord, audit_time, checkpoint
from hub.audit.signing import load_audit_signer
from hub.errors import Unavailable
from hub.settings import Settings

log = logging.getLogger("credit_hub.audit")
OPERATOR_ROLE = "operator"


def operator() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def operation_record(
    operation: str,
    *,
    decision: str,
    started: float,
    error_codes: list[str] | None = None,
    details: dict[str, Any] | None = None,
    user: str | None = None,
) -> AuditRecord:
    """``operation`` is a coordinate like ``Cli.import``; ``details`` flat (x_ properties)."""
    return AuditRecord(
        request_id=uuid.uuid4().hex,
        at=audit_time(),
        user=user or operator(),
        unit=None,
        roles=[OPERATOR_ROLE],
        purpose=None,
        client=f"cli@{socket.gethostname()}",
        operation_name=operation,
        operations=[operation],
        query_hash=None,
        subjects=[],
        masked=[],
        denied=[],
        decision=decision,
        error_codes=error_codes or [],
        result_size=0,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        policy_version=None,
        extra=details or {},
    )


def ensure_recordable(settings: Settings, operation: str) -> None:
    """No record, no operation: refuse to start when the audit store does not answer."""
    try:
        with open_driver(settings, settings.audit_neo4j_uri) as driver:
            driver.verify_connectivity()
    except Exception as exc:  # noqa: BLE001 - any failure: the operation is not run
        log.error("audit store unavailable before %s: %r", operation, exc)
        raise Unavailable(f"the audit log is unavailable: {operation} was not run") from None


def record_operation(settings: Settings, record: AuditRecord) -> None:
    """Write ``record`` as a one-record chain, sealed; raises ``Unavailable`` if it can not."""
    signer = load_audit_signer(settings.keys_dir, create=not settings.is_production)
    chain = Chain(uuid.uuid4().hex[:16])
    properties = record.as_properties()
    event = stored(properties, chain.link(properties))
    record.writer, record.seq = chain.writer, chain.size
    statement = checkpoint(signer, chain, final=True)
    try:
        with open_driver(settings, settings.audit_neo4j_uri) as driver:
            append_sync(driver, settings.neo4j_database, [event], [statement])
    except Exception as exc:  # noqa: BLE001 - any failure: the operation is not on record
        log.error("audit record for %s failed: %r", record.operation_name, exc)
        raise Unavailable(
            f"the audit log is unavailable: {record.operation_name} was not recorded"
        ) from None
