"""The audit log in GraphQL (R23, 查询使用登记和审查): records for the privacy officer, access
histories for officers and for data subjects themselves, and anomaly flags (docs/audit.md).

Thin like every root field: plan the selection, call ``hub.reading.audit`` (ONE Cypher round
trip), return its nodes. Operation and field authorization are the policy's (``schema.build``
guards every root field; ``policies/policy.csv`` grants these to ``privacy_officer``,
``admin`` and — ``myAccessHistory`` only, without ``AccessRecord.user`` — ``data_subject``).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from hub.reading.audit import EventFilters, Page, Window
from hub.reading.nodes import Projected
from schema.info import Info
from schema.inputs import SubjectInput
from schema.queries import planner

From = Annotated[
    datetime | None,
    strawberry.argument(name="from", description="Records at or after (with a UTC offset)."),
]
To = Annotated[datetime | None, strawberry.argument(description="Records before.")]


@strawberry.type(description="One audit record: a request or an operation, as it was logged.")
class AuditEvent:
    request_id: str
    at: str = strawberry.field(description="When (UTC, ISO 8601, microseconds).")
    user: str | None = strawberry.field(
        description="Who asked (the token's subject); a per-unit pseudonym unless the "
        "officer's declared purpose is ACCESS_AUDIT."
    )
    unit: str | None
    roles: list[str]
    purpose: str | None = strawberry.field(description="The declared X-Purpose.")
    client: str | None = strawberry.field(description="The client's address.")
    operation_name: str | None
    operations: list[str] = strawberry.field(description="Root fields asked (Query.enterprise).")
    query_hash: str | None = strawberry.field(
        description="SHA-256 of the query with its literals blanked: its shape."
    )
    variables_digest: str | None = strawberry.field(
        description="SHA-256 of the variables and literals, identity numbers as blind indexes."
    )
    variables: str | None = strawberry.field(
        description="Those variables and literals (JSON), when at most 1 KiB."
    )
    subjects: list[str] = strawberry.field(
        description="Whose data was returned: Enterprise:<uscc> or Person:<opaque id>."
    )
    masked: list[str] = strawberry.field(description="Type.field coordinates returned masked.")
    denied: list[str] = strawberry.field(description="Fields and operations refused.")
    decision: str = strawberry.field(
        description="ALLOWED, PARTIAL, DENIED, UNAUTHENTICATED, BAD_INPUT, ERROR, ..."
    )
    error_codes: list[str]
    result_size: int = strawberry.field(description="Bytes of the answer.")
    duration_ms: float
    policy_version: str | None
    round_trips: int | None = strawberry.field(description="Cypher round trips.")
    writer: str = strawberry.field(description="The writer (hub process) whose chain holds it.")
    seq: int = strawberry.field(description="Its place in that chain, from 1.")
    hash: str = strawberry.field(description="Its chain hash (docs/audit.md).")


@strawberry.type(description="A page of results and where the next one starts.")
class AuditPageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type(description="Audit records, newest first.")
class AuditEventConnection:
    nodes: list[AuditEvent]
    page_info: AuditPageInfo


@strawberry.type(description="Someone looked a subject up: who (unit, role), when, why, what.")
class AccessRecord:
    request_id: str
    at: str = strawberry.field(description="When (UTC, ISO 8601).")
    user: str | None = strawberry.field(description="Who; never shown to the data subject.")
    unit: str | None = strawberry.field(description="The querying unit.")
    roles: list[str]
    client: str | None
    purpose: str | None = strawberry.field(description="Why: the declared purpose.")
    operations: list[str] = strawberry.field(description="What was asked (root fields).")
    masked: list[str] = strawberry.field(description="Fields that were shown masked.")
    decision: str


@strawberry.type(description="Access records, newest first.")
class AccessRecordConnection:
    nodes: list[AccessRecord]
    page_info: AuditPageInfo


@strawberry.enum(description="The anomaly rules (docs/audit.md).")
class AnomalyRule(Enum):
    MANY_SUBJECTS = "MANY_SUBJECTS"
    OUT_OF_HOURS = "OUT_OF_HOURS"
    MISSING_PURPOSE = "MISSING_PURPOSE"
    FORBIDDEN_BURST = "FORBIDDEN_BURST"
    LOOKUP_MISSES = "LOOKUP_MISSES"


@strawberry.type(description="A pattern in the log a privacy officer should look at.")
class AuditAnomaly:
    rule: AnomalyRule
    user: str
    unit: str | None
    at: str = strawberry.field(description="The first record's time (MANY_SUBJECTS: the day).")
    count: int
    detail: str
    events: list[str] = strawberry.field(description="Up to 20 records, as writer:seq.")


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log, newest first (privacy officers, admins).")
    async def audit_events(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        subject: SubjectInput | None = None,
        unit: str | None = None,
        user: str | None = None,
        purpose: str | None = None,
        operation: str | None = None,
        decision: str | None = None,
        from_: From = None,
        to: To = None,
    ) -> AuditEventConnection:
        audit = info.context.audit
        filters = EventFilters(
            subject=audit.subject(subject.uscc, subject.id_number) if subject else None,
            unit=unit,
            user=user,
            purpose=purpose,
            operation=operation,
            decision=decision,
        )
        selection = planner(info).root_selection()
        node = await audit.events(selection, filters, Window.of(from_, to), Page.of(first, after))
        return Projected[AuditEventConnection].one(node)

    @strawberry.field(description="Who looked a subject up: unit, role, time, purpose, what.")
    async def access_history(
        self,
        info: Info,
        subject: SubjectInput,
        first: int = 50,
        after: str | None = None,
        from_: From = None,
        to: To = None,
    ) -> AccessRecordConnection:
        audit = info.context.audit
        key = audit.subject(subject.uscc, subject.id_number)
        selection = planner(info).root_selection()
        node = await audit.history(selection, key, Window.of(from_, to), Page.of(first, after))
        return Projected[AccessRecordConnection].one(node)

    @strawberry.field(
        description="Your own access history (data_subject tokens): the units that looked you "
        "up, when and why; not the persons."
    )
    async def my_access_history(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        from_: From = None,
        to: To = None,
    ) -> AccessRecordConnection:
        audit = info.context.audit
        selection = planner(info).root_selection()
        node = await audit.my_history(selection, Window.of(from_, to), Page.of(first, after))
        return Projected[AccessRecordConnection].one(node)

    @strawberry.field(description="Anomaly flags over a window (default: the last 7 days).")
    async def audit_anomalies(
        self, info: Info, from_: From = None, to: To = None, first: int = 100
    ) -> list[AuditAnomaly]:
        audit = info.context.audit
        selection = planner(info).root_selection()
        nodes = await audit.anomalies(selection, Window.of(from_, to), first)
        return Projected[AuditAnomaly].each(nodes)
