"""The audit desk: the audit log as the privacy officer, the auditor and the data subject query
it: ONE Cypher round trip per root field, through the caller's decisions like every other answer.
It reads through ``hub.reading`` like the other desks, so it lives here, above ``hub.audit``.

* ``events``: ``auditEvents`` — records newest first, filtered (subject, unit, user, purpose,
  operation, decision, time), paginated by an opaque cursor.
* ``history``: ``accessHistory(subject)`` — who (unit, role), when, why, what of one subject;
  the subject is noted as disclosed, so it shows in that subject's own history.
* ``my_history``: ``myAccessHistory`` — the same for the subject a ``data_subject`` token is
  bound to (``hub.audit.subjects``); the policy hides the querying persons' names.
* ``anomalies``: ``auditAnomalies`` — ``hub.audit.anomalies``' rules over one query's facts.

Fields come back as the policy decides for the caller (``AuditEvent.user`` is a per-unit
pseudonym for a privacy officer unless the declared purpose is ``ACCESS_AUDIT``, see
``policies/masking.csv``); a denied field is never shown: Neo4j returns the stored record
(graph/audit/stored.py) and only the fields the caller may see are taken from it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, LiteralString

import orjson

from graph.audit.reads import (
    ANOMALY_FACTS,
    EVENTS_BY_SUBJECT,
    EVENTS_BY_TIME,
    EVENTS_BY_UNIT,
    EVENTS_BY_USER,
)
from graph.audit.stored import payload_content
from graph.reader import GraphReader
from graph.selection import Selection
from hub.audit.anomalies import (
    DAY_ENDS,
    DAY_STARTS,
    HISTORY_DAYS,
    MAX_FLAGGED,
    SAMPLE_REFS,
    Anomaly,
    anomalies,
)
from hub.audit.disclosure import Disclosure
from hub.audit.fields import ACCESS_FIELDS, EVENT_FIELDS, Field, pick
from hub.audit.log import audit_time
from hub.audit.subjects import SubjectKey, bound_subject, subject_key
from hub.auth.tokens import Caller
from hub.clock import PLATFORM_ZONE
from hub.errors import BadInput, Forbidden
from hub.keys.crypto import FieldCipher
from hub.policy.engine import Decisions
from hub.policy.masking import Masker
from hub.reading.nodes import Node
from hub.settings import MissRule

MAX_FIRST = 500
EARLIEST = ""
LATEST = "9999-12-31T23:59:59.999999+00:00"
ANOMALY_DAYS = 7
CURSOR_PREFIX = "ae1."
USER_COORDINATE = "AuditEvent.user"
USER_FILTER = "Query.auditEvents.user"
PAGE_INFO = {"hasNextPage": "has_next_page", "endCursor": "end_cursor"}


@dataclass(frozen=True)
class Window:
    """A time range [start, end), as audit times; ``until`` is its inclusive end."""

    start: str
    end: str

    @property
    def until(self) -> str:
        if self.end == LATEST:
            return LATEST
        moment = datetime.fromisoformat(self.end) - timedelta(microseconds=1)
        return audit_time(moment)

    @classmethod
    def of(cls, start: datetime | None, end: datetime | None) -> Window:
        window = cls(_moment(start, "from") or EARLIEST, _moment(end, "to") or LATEST)
        if window.end <= window.start:
            raise BadInput("to", "must be later than from")
        return window


@dataclass(frozen=True)
class EventFilters:
    subject: SubjectKey | None = None
    unit: str | None = None
    user: str | None = None
    purpose: str | None = None
    operation: str | None = None
    decision: str | None = None


@dataclass(frozen=True)
class Page:
    first: int
    after: tuple[str, str, int] | None

    @classmethod
    def of(cls, first: int, after: str | None) -> Page:
        if not 1 <= first <= MAX_FIRST:
            raise BadInput("first", f"must be between 1 and {MAX_FIRST}")
        return cls(first, None if after is None else _decode_cursor(after))


class AuditReads:
    def __init__(
        self,
        reader: GraphReader,
        cipher: FieldCipher,
        masker: Masker,
        decisions: Decisions,
        caller: Caller,
        disclosure: Disclosure,
        misses: MissRule | None = None,
    ) -> None:
        self._reader = reader
        self._misses = misses or MissRule()
        self._cipher = cipher
        self._masker = masker
        self._decisions = decisions
        self._caller = caller
        self._disclosure = disclosure

    @property
    def round_trips(self) -> int:
        return self._reader.round_trips

    def subject(self, uscc: str | None, id_number: str | None) -> SubjectKey:
        return subject_key(self._cipher, uscc, id_number)

    async def events(
        self, selection: Selection, filters: EventFilters, window: Window, page: Page
    ) -> Node:
        if filters.user is not None:
            self._may_filter_by_user()
        return await self._connection(selection, "AuditEvent", EVENT_FIELDS, filters, window, page)

    def _may_filter_by_user(self) -> None:
        """``auditEvents(user:)`` only for a caller who sees ``AuditEvent.user`` in clear (a
        privacy officer under ACCESS_AUDIT): to anyone else users are pseudonyms, and asking
        for a name would tie the pseudonyms in the answer to it. Refused before anything is
        read, and noted as denied."""
        decision = self._decisions.field(USER_COORDINATE)
        if decision.allowed and decision.mask.is_clear:
            return
        self._disclosure.denied.add(USER_FILTER)
        raise Forbidden(
            "auditEvents(user:) needs AuditEvent.user in clear (purpose ACCESS_AUDIT): "
            "without it users are pseudonyms, and a name must not be tied to one"
        )

    async def history(
        self, selection: Selection, subject: SubjectKey, window: Window, page: Page
    ) -> Node:
        filters = EventFilters(subject=subject)
        return await self._connection(
            selection, "AccessRecord", ACCESS_FIELDS, filters, window, page, note=True
        )

    async def my_history(self, selection: Selection, window: Window, page: Page) -> Node:
        filters = EventFilters(subject=bound_subject(self._caller.roles, self._caller.subject))
        return await self._connection(
            selection, "AccessRecord", ACCESS_FIELDS, filters, window, page
        )

    async def anomalies(self, selection: Selection, window: Window, first: int) -> list[Node]:
        if not 1 <= first <= MAX_FIRST:
            raise BadInput("first", f"must be between 1 and {MAX_FIRST}")
        if window.start == EARLIEST or window.end == LATEST:
            now = datetime.now(PLATFORM_ZONE)
            window = Window(
                window.start
                if window.start != EARLIEST
                else audit_time(now - timedelta(days=ANOMALY_DAYS)),
                window.end if window.end != LATEST else audit_time(now),
            )
        start, end = datetime.fromisoformat(window.start), datetime.fromisoformat(window.end)
        rows = await self._reader.rows(
            ANOMALY_FACTS,
            {
                "from": window.start,
                "to": window.end,
                "history_from": audit_time(start - timedelta(days=HISTORY_DAYS)),
                "zone": str(PLATFORM_ZONE),
                "day_starts": DAY_STARTS,
                "day_ends": DAY_ENDS,
                "max_flagged": MAX_FLAGGED,
                "misses_min": self._misses.at_least,
                "sample": SAMPLE_REFS,
            },
        )
        found = anomalies(
            rows,
            start.astimezone(PLATFORM_ZONE).date(),
            (end - timedelta(microseconds=1)).astimezone(PLATFORM_ZONE).date(),
            self._misses,
        )
        return [self._anomaly(selection, anomaly) for anomaly in found[:first]]

    async def _connection(
        self,
        selection: Selection,
        node_type: str,
        fields: dict[str, Field],
        filters: EventFilters,
        window: Window,
        page: Page,
        *,
        note: bool = False,
    ) -> Node:
        nodes = selection.fields.get("nodes")
        names = [name for name in (nodes.fields if nodes else {}) if name in fields]
        rows = await self._reader.rows(_head(filters), _parameters(filters, window, page))
        more = len(rows) > page.first
        rows = rows[: page.first]
        if note and rows and rows[0]["subject"]:
            self._disclosure.subjects.add(str(rows[0]["subject"]))
        connection = Node()
        if nodes is not None:
            connection["nodes"] = [
                self._shape(node_type, pick(fields, names, _record(row))) for row in rows
            ]
        page_info = selection.fields.get("pageInfo")
        if page_info is not None:
            values = {
                "hasNextPage": more,
                "endCursor": _encode_cursor(rows[-1]) if rows else None,
            }
            connection["page_info"] = Node(
                {PAGE_INFO[name]: values[name] for name in page_info.fields}
            )
        return connection

    def _shape(self, node_type: str, raw: dict[str, Any]) -> Node:
        node = Node(raw)
        fields = EVENT_FIELDS
        for name, (key, _, _) in fields.items():
            if key in node:
                node[key] = self._masked(f"{node_type}.{name}", node[key])
        return node

    def _anomaly(self, selection: Selection, anomaly: Anomaly) -> Node:
        values = {
            "rule": anomaly.rule,
            "user": self._masked("AuditAnomaly.user", anomaly.user),
            "unit": anomaly.unit,
            "at": anomaly.at,
            "count": anomaly.count,
            "detail": anomaly.detail,
            "events": anomaly.events,
        }
        return Node({name: values[name] for name in selection.fields if name in values})

    def _masked(self, coordinate: str, value: Any) -> Any:
        mask = self._decisions.field(coordinate).mask
        if mask.is_clear or value is None:
            return value
        if isinstance(value, list):
            return [self._masker.apply(mask, str(v), self._caller.unit) for v in value]
        return self._masker.apply(mask, str(value), self._caller.unit)


def _head(filters: EventFilters) -> LiteralString:
    if filters.subject is not None:
        return EVENTS_BY_SUBJECT
    if filters.unit is not None:
        return EVENTS_BY_UNIT
    if filters.user is not None:
        return EVENTS_BY_USER
    return EVENTS_BY_TIME


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """A row's stored record, with its ``seq`` and ``hash``."""
    record = payload_content(str(row["record"]))
    record["seq"], record["hash"] = row["seq"], row["hash"]
    return record


def _parameters(filters: EventFilters, window: Window, page: Page) -> dict[str, Any]:
    after_at, after_writer, after_seq = page.after or (None, None, None)
    subject = filters.subject
    return {
        "subject": subject.subject if subject else None,
        "bidx": subject.bidx if subject else None,
        "unit": filters.unit,
        "user": filters.user,
        "purpose": filters.purpose,
        "operation": filters.operation,
        "decision": filters.decision,
        "from": window.start,
        "until": window.until,
        "after_at": after_at,
        "after_writer": after_writer,
        "after_seq": after_seq,
        "limit": page.first + 1,
    }


def _moment(value: datetime | None, field: str) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise BadInput(field, "a date-time with a UTC offset (e.g. 2025-01-01T00:00:00+08:00)")
    return audit_time(value)


def _encode_cursor(row: dict[str, Any]) -> str:
    raw = orjson.dumps([row["at"], row["writer"], row["seq"]])
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str, int]:
    try:
        if not cursor.startswith(CURSOR_PREFIX):
            raise ValueError(cursor)
        body = cursor.removeprefix(CURSOR_PREFIX)
        at, writer, seq = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if not (isinstance(at, str) and isinstance(writer, str) and isinstance(seq, int)):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise BadInput("after", "not a cursor this API returned") from None
    return at, writer, seq
