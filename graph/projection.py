"""Compile a ``Selection`` into ONE Cypher map projection: the whole answer in one round trip.

Every GraphQL field of the graph types has exactly one fragment below. Fragments are literal
Cypher; the compiler only fills in variable names it generates itself (``e0``, ``p1``, …) and
the nested projections it compiled — never a value: values are always ``$parameters``
(``$today``). A field without a fragment can not be compiled, and ``tests/graph/test_projection.py``
checks that every field of the schema has one.

Map keys are the fields' Python names, which the schema's default resolver reads.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from graph.selection import Selection

# Context of a projection: which Cypher variable stands for what ("self", and for a Role
# also "person" and "enterprise").
Context = dict[str, str]


@dataclass(frozen=True)
class Fragment:
    """How one GraphQL field is read: a Cypher expression over the context's variables."""

    key: str
    expression: str
    child_type: str | None = None
    child_context: tuple[tuple[str, str], ...] = ()
    """For a nested type: its context names → placeholders ({n} for a fresh node variable,
    {r} for a fresh relationship variable, or a context name of the parent)."""


def _leaf(key: str, expression: str) -> Fragment:
    return Fragment(key, expression)


_DATE = "toString({self}.%s)"
_LAPSED = (
    "({self}.status IN ['PROPOSED', 'PUBLIC_NOTICE', 'ACTIVE', 'OBJECTED']"
    " AND {self}.valid_until < $today)"
)
# Which entries a caller sees ($entry_scope from the policy, $unit from the token):
#   PUBLISHED  - in force and within validity, or on public notice (公示); what the public sees;
#   UNIT       - everything but other units' candidates (PROPOSED entries are unpublished:
#                only their identifying unit sees them).
_VISIBLE_ENTRY = (
    "CASE $entry_scope"
    " WHEN 'PUBLISHED' THEN ({n}.status = 'PUBLIC_NOTICE' OR ({n}.status = 'ACTIVE'"
    " AND ({n}.valid_until IS NULL OR {n}.valid_until >= $today)))"
    " ELSE ({n}.status <> 'PROPOSED'"
    " OR EXISTS {{ ({n})-[:IDENTIFIED_BY]->(:Unit {{code: $unit}}) }})"
    " END"
)
_EFFECTIVE_STATUS = "CASE WHEN " + _LAPSED + " THEN 'EXITED' ELSE {self}.status END"
_EFFECTIVE_EXIT_REASON = "CASE WHEN " + _LAPSED + " THEN 'EXPIRED' ELSE {self}.exit_reason END"
_EFFECTIVE_EXITED_ON = (
    "CASE WHEN " + _LAPSED + " THEN toString({self}.valid_until + duration({{days: 1}}))"
    " ELSE toString({self}.exited_on) END"
)

FRAGMENTS: dict[str, dict[str, Fragment]] = {
    "Enterprise": {
        "uscc": _leaf("uscc", "{self}.uscc"),
        "name": _leaf("name", "{self}.name"),
        "registeredOn": _leaf("registered_on", _DATE % "registered_on"),
        "legalRepresentative": Fragment(
            "legal_representative",
            "head([({self})<-[{r}:HOLDS_ROLE]-({n}:Person)"
            " WHERE {r}.kind = 'LEGAL_REPRESENTATIVE' AND {r}.from <= $today"
            " AND ({r}.to IS NULL OR {r}.to >= $today) | {child}])",
            "Person",
            (("self", "{n}"),),
        ),
        "roles": Fragment(
            "roles",
            "[({self})<-[{r}:HOLDS_ROLE]-({n}:Person) | {child}]",
            "Role",
            (("self", "{r}"), ("person", "{n}"), ("enterprise", "self")),
        ),
        "entries": Fragment(
            "entries",
            "[({self})<-[:CONCERNS]-({n}:ListEntry) WHERE " + _VISIBLE_ENTRY + " | {child}]",
            "ListEntry",
            (("self", "{n}"),),
        ),
    },
    "Person": {
        "id": _leaf("id", "{self}.id"),
        "name": _leaf("name", "{self}.name"),
        # Sealed: the hub opens (and masks) it; Neo4j never holds it in clear.
        "idNumber": _leaf("id_number", "[{self}.id_number_ct, {self}.id_number_kid]"),
        "roles": Fragment(
            "roles",
            "[({self})-[{r}:HOLDS_ROLE]->({n}:Enterprise) | {child}]",
            "Role",
            (("self", "{r}"), ("person", "self"), ("enterprise", "{n}")),
        ),
        "entries": Fragment(
            "entries",
            "[({self})<-[:CONCERNS]-({n}:ListEntry) WHERE " + _VISIBLE_ENTRY + " | {child}]",
            "ListEntry",
            (("self", "{n}"),),
        ),
    },
    "Role": {
        "kind": _leaf("kind", "{self}.kind"),
        "from": _leaf("from_", _DATE % "from"),
        "to": _leaf("to", _DATE % "to"),
        "person": Fragment("person", "{child}", "Person", (("self", "person"),)),
        "enterprise": Fragment("enterprise", "{child}", "Enterprise", (("self", "enterprise"),)),
    },
    "ListEntry": {
        "id": _leaf("id", "{self}.id"),
        "list": _leaf("list", "{self}.list"),
        # Past its validity an entry is never presented as in force, even before the expiry
        # job has recorded the exit.
        "status": _leaf("status", _EFFECTIVE_STATUS),
        "exitReason": _leaf("exit_reason", _EFFECTIVE_EXIT_REASON),
        "exitedOn": _leaf("exited_on", _EFFECTIVE_EXITED_ON),
        "version": _leaf("version", "coalesce({self}.version, 0)"),
        "reportedOn": _leaf("reported_on", _DATE % "reported_on"),
        "reportDeadline": _leaf("report_deadline", _DATE % "report_deadline"),
        "reportedLate": _leaf("reported_late", "{self}.reported_late"),
        "noticeUntil": _leaf("notice_until", _DATE % "notice_until"),
        "priorNoticeOn": _leaf("prior_notice_on", _DATE % "prior_notice_on"),
        "repairMethod": _leaf("repair_method", "{self}.repair_method"),
        "repairEarliest": _leaf("repair_earliest", _DATE % "repair_earliest"),
        "watchMonthsAfterExit": _leaf("watch_months_after_exit", "{self}.watch_months_after_exit"),
        "domain": _leaf("domain", "{self}.domain"),
        "basis": _leaf("basis", "{self}.basis"),
        "legalBasis": _leaf("legal_basis", "{self}.legal_basis"),
        "actDate": _leaf("act_date", _DATE % "act_date"),
        "identifiedOn": _leaf("identified_on", _DATE % "identified_on"),
        "validUntil": _leaf("valid_until", _DATE % "valid_until"),
        "repairable": _leaf("repairable", "{self}.repairable"),
        "identifyingUnit": Fragment(
            "identifying_unit",
            "head([({self})-[:IDENTIFIED_BY]->({n}:Unit) | {n}.code])",
        ),
        # Where it came from (hub/reading/sources.py): properties of the entry itself; null for an
        # entry written before sources were kept.
        "source": Fragment(
            "source",
            "CASE WHEN {self}.source_feed IS NULL THEN null ELSE {child} END",
            "EntrySource",
            (("self", "self"),),
        ),
    },
    "EntrySource": {
        "feed": _leaf("feed", "{self}.source_feed"),
        "batch": _leaf("batch", "{self}.source_batch"),
        "unit": _leaf("unit", "{self}.source_unit"),
        "platform": _leaf("platform", "{self}.source_platform"),
        "receivedAt": _leaf("received_at", "{self}.source_received_at"),
    },
}


class _Names:
    def __init__(self) -> None:
        self._counter: Iterator[int] = itertools.count(1)

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter)}"


def compile_projection(selection: Selection, context: Context) -> str:
    """The Cypher map expression for ``selection`` with ``context['self']`` bound."""
    return _project(selection, context, _Names())


# Every subject node carries its key, so the audit knows whose data left even when the query
# did not select the key.
SUBJECT_KEYS: dict[str, str] = {"Enterprise": "{self}.uscc", "Person": "{self}.id"}
TYPENAME = "__typename"
SUBJECT = "__subject"


def _project(selection: Selection, context: Context, names: _Names) -> str:
    fragments = FRAGMENTS[selection.type_name]
    parts = [f"{TYPENAME}: '{selection.type_name}'"]
    subject_key = SUBJECT_KEYS.get(selection.type_name)
    if subject_key is not None:
        parts.append(f"{SUBJECT}: " + subject_key.format(self=context["self"]))
    for name, child in selection.fields.items():
        fragment = fragments[name]
        parts.append(f"{fragment.key}: {_field(fragment, child, context, names)}")
    return "{" + ", ".join(parts) + "}"


def _field(fragment: Fragment, child: Selection | None, context: Context, names: _Names) -> str:
    fresh = {"{n}": names.fresh("n"), "{r}": names.fresh("r")}
    child_text = ""
    if fragment.child_type is not None:
        if child is None:
            raise ValueError(f"{fragment.key} needs a sub-selection")
        child_context = {
            name: fresh.get(source) or context[source] for name, source in fragment.child_context
        }
        child_text = _project(child, child_context, names)
    return fragment.expression.format(
        self=context["self"], n=fresh["{n}"], r=fresh["{r}"], child=child_text
    )
