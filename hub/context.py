"""The per-request context every resolver sees (strawberry ``info.context``).

Who asks, what the policy lets them, and the desks that answer: every desk is always there,
built in one place (``hub.services.Hub.request_context``) with the hub's one clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.reader import GraphReader
from hub.admin.desk import AdminDesk
from hub.admin.stats import StatsDesk
from hub.audit.disclosure import Disclosure
from hub.auth.tokens import Caller
from hub.lifecycle.desk import ListDesk
from hub.policy.engine import Decisions, Policy
from hub.reading.audit import AuditReads
from hub.reading.reads import SubjectReads
from hub.sanctions.checks import CheckDesk
from hub.sanctions.exposure import ExposureDesk
from hub.sanctions.feedback import FeedbackDesk


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    caller: Caller
    purpose: str | None
    decisions: Decisions
    policy: Policy
    """The policy in force the decisions came from (``_service`` prints its directives)."""
    disclosure: Disclosure
    reads: SubjectReads
    lists: ListDesk
    audit: AuditReads
    checks: CheckDesk
    exposure: ExposureDesk
    feedback: FeedbackDesk
    admin: AdminDesk
    stats: StatsDesk
    readers: tuple[GraphReader, ...]
    """The readers the desks share (the graph's, the audit log's): they count round trips."""

    def round_trips(self) -> int:
        """Cypher round trips the desks' reads made so far (writes note themselves)."""
        return sum(reader.round_trips for reader in self.readers)
