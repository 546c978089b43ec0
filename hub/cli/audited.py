"""The one way to audit a command-line operation: ``audited(operation, command, details)``.

Every command that changes or discloses data is installed wrapped by it (``migrate``, ``seed``,
``import``, ``push``, ``expire``, ``export``, ``keys rotate``, ``audit prove|export|prune|
rotate-key|migrate``), so every run leaves exactly one audit record with its outcome
(docs/audit.md, "Operations"):

* no record, no operation: the run is refused before it starts when the audit store does not
  answer (``hub.audit.operations.ensure_recordable``);
* a run that returns writes ``ALLOWED`` (exit 0) or ``BAD_INPUT`` (any other exit), with
  ``exit_status``;
* a run that raises writes the error's public code as the decision (``ERROR`` for ``INTERNAL``),
  the code in ``error_codes`` and the message in ``error``, then the error goes on to the
  command line (same message, same exit as without the audit).

``details(args)`` gives the record's flat details from the arguments; a command adds what it
learnt while running (counts, digests, key ids) in ``args.audit_details``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hub.audit.log import AuditRecord
from hub.audit.operations import ensure_recordable, operation_record, record_operation
from hub.errors import HubError
from hub.settings import Settings
from hub.values import plain

Command = Callable[[argparse.Namespace, Settings], int]
Details = Callable[[argparse.Namespace], dict[str, Any]]
DETAILS = "audit_details"


def audited(operation: str, command: Command, details: Details) -> Command:
    """``command`` that leaves one audit record of its run, whatever its outcome."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        ensure_recordable(settings, operation)
        started = time.perf_counter()
        try:
            status = command(args, settings)
        except HubError as exc:
            _record_failure(settings, args, details, operation, started, exc.code, exc.message)
            raise
        except BaseException:
            _record_failure(settings, args, details, operation, started, "INTERNAL", None)
            raise
        decision = "ALLOWED" if status == 0 else "BAD_INPUT"
        merged = _merged(args, details) | {"exit_status": status}
        record_operation(
            settings,
            operation_record(operation, decision=decision, started=started, details=merged),
        )
        return status

    return run


def _record_failure(
    settings: Settings,
    args: argparse.Namespace,
    details: Details,
    operation: str,
    started: float,
    code: str,
    message: str | None,
) -> None:
    error = {} if message is None else {"error": message[:500]}
    record = operation_record(
        operation,
        decision="ERROR" if code == "INTERNAL" else code,
        started=started,
        error_codes=[code],
        details=_merged(args, details) | error,
    )
    _record_quietly(settings, record)


def _merged(args: argparse.Namespace, details: Details) -> dict[str, Any]:
    try:
        base = details(args)
    except OSError:
        base = {}
    return base | dict(getattr(args, DETAILS, {}))


def _record_quietly(settings: Settings, record: AuditRecord) -> None:
    """On a failed command the command's own error is what the operator must see."""
    try:
        record_operation(settings, record)
    except HubError as exc:
        print(f"credit-hub: {exc.message}", file=sys.stderr)


# -- details from the arguments ------------------------------------------------------------------


def arguments(*names: str) -> Details:
    """The named arguments, flat (None, bool, number or text)."""

    def details(args: argparse.Namespace) -> dict[str, Any]:
        return {name: plain(getattr(args, name, None)) for name in names}

    return details


def file_read(args: argparse.Namespace) -> dict[str, Any]:
    """The file the command reads (``args.file``) and its SHA-256 (None if unreadable)."""
    path = Path(args.file)
    details: dict[str, Any] = {"file": str(path)}
    try:
        details["file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        details["file_sha256"] = None
    return details
