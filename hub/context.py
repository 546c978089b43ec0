"""The per-request context every resolver sees (strawberry ``info.context``)."""

from __future__ import annotations

from dataclasses import dataclass

from hub.admin.desk import AdminDesk
from hub.admin.stats import StatsDesk
from hub.audit.disclosure import Disclosure
from hub.audit.queries import AuditReads
from hub.auth import Caller
from hub.lifecycle.desk import ListDesk
from hub.policy.engine import Decisions, Policy
from hub.reading.reads import SubjectReads
from hub.sanctions.checks import CheckDesk
from hub.sanctions.exposure import ExposureDesk
from hub.sanctions.feedback import FeedbackDesk


@dataclass
class RequestContext:
    request_id: str
    caller: Caller
    purpose: str | None
    decisions: Decisions
    policy: Policy
    """The policy in force the decisions came from (``_service`` prints its directives)."""
    reads: SubjectReads
    lists: ListDesk
    disclosure: Disclosure
    round_trips_before: int = 0
    audit: AuditReads | None = None
    checks: CheckDesk | None = None
    exposure: ExposureDesk | None = None
    feedback: FeedbackDesk | None = None
    admin: AdminDesk | None = None
    stats: StatsDesk | None = None
