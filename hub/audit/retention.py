"""Retention: prune audit records older than a date, keeping every chain verifiable.

A writer's chain can only be cut at a signed checkpoint: ``prune(before)`` finds, per writer,
the last checkpoint whose record is older than ``before`` (00:00 of that day, Asia/Shanghai),
verifies the chain up to it (evidence of tampering is never pruned away: such a writer is
skipped and its finding reported), writes a signed *retention mark*
``{writer, through, head, before, at}`` (``head`` is the signed head at ``through``), and only
then deletes the records ``seq <= through`` (with their disclosure index) and the older
checkpoints. The verifier then starts that writer's chain at ``through + 1`` from ``head``;
without a valid mark, missing records are reported as removed. An interrupted prune is
finished by running it again (the verifier skips records at or before a mark).

Records younger than the retention period (``CREDIT_HUB_AUDIT_RETENTION_DAYS``, 3 years by
default) are never pruned: ``before`` may not be later than today minus that period.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from graph.audit.scan import AuditScan
from hub.audit.log import audit_time
from hub.audit.signing import RETENTION, AuditKeys, AuditSigner
from hub.audit.verify import Finding, WriterVerifier
from hub.clock import PLATFORM_ZONE
from hub.errors import BadInput


@dataclass(frozen=True)
class PrunedWriter:
    writer: str
    through: int
    deleted: int
    refused: Finding | None = None  # the chain up to the cut does not verify: nothing pruned

    def __str__(self) -> str:
        if self.refused is not None:
            return f"writer {self.writer}: not pruned, {self.refused.message}"
        return f"writer {self.writer}: pruned through seq {self.through} ({self.deleted} deleted)"


def latest_before(today: date, retention_days: int) -> date:
    """The latest ``before`` the retention period allows today."""
    return today - timedelta(days=retention_days)


def cutoff(before: date, today: date, retention_days: int) -> str:
    latest = latest_before(today, retention_days)
    if before > latest:
        raise BadInput(
            "--before",
            f"records are kept {retention_days} days (CREDIT_HUB_AUDIT_RETENTION_DAYS): "
            f"the latest date allowed today is {latest.isoformat()}",
        )
    return audit_time(datetime(before.year, before.month, before.day, tzinfo=PLATFORM_ZONE))


def prune(
    scan: AuditScan,
    signer: AuditSigner,
    keys: AuditKeys,
    before: date,
    today: date,
    retention_days: int,
    *,
    dry_run: bool = False,
) -> list[PrunedWriter]:
    cut = cutoff(before, today, retention_days)
    pruned = []
    for writer, through in scan.prunable(cut):
        checkpoints = [c for c in scan.checkpoints(writer) if int(c["size"]) <= through]
        verifier = WriterVerifier(
            writer,
            checkpoints,
            scan.retention(writer),
            keys,
            functools.partial(scan.locate, writer),
        )
        report = verifier.run(scan.records(writer, through=through))
        if report.finding is not None:
            pruned.append(PrunedWriter(writer, through, 0, report.finding))
            continue
        if dry_run:
            pruned.append(PrunedWriter(writer, through, 0))
            continue
        head = next(str(c["head"]) for c in checkpoints if int(c["size"]) == through)
        mark = signer.sign(
            RETENTION,
            {"writer": writer, "through": through, "head": head, "before": cut, "at": audit_time()},
        )
        pruned.append(PrunedWriter(writer, through, scan.prune(mark)))
    return pruned
