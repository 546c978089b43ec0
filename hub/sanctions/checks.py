"""``check`` and ``checkMany`` (R11, R12, R16, R22): what the caller's unit must or may do about
a subject, with the verdict, each measure's proof path and end date.

ONE Cypher round trip however many subjects (``graph.checks.CHECK_SUBJECTS``); the verdict and
the caller's measures are decided here from what it returns:

* verdict — RESTRICTED: an enterprise or person black- or watch-listed itself, or a person whom
  a measure reaches through a role held on the reach date; SUSPENDED: the only restricting
  entries are under objection (R22); REWARDED: an effective red entry and nothing else; CLEAR.
* measures — those of effective entries (never of an entry under objection) whose implementing
  kinds include the caller's unit kind (narrowed to FINANCIAL for a bank purpose);
* incentives (R25) — ``hub.sanctions.incentives``;
* ``appointment`` — the measures in force whose ``bars_appointment_as`` names the post.

Each checked subject counts in the audit record's ``x_checks`` / ``x_check_hits`` (R24) and as a
look-up (``x_lookups``, ``x_lookup_misses``: ``hub.audit.lookups``). Every entry an answer names (a
measure's ``entryId``, ``suspendedEntryIds``) is noted among the record's subjects as
``ListEntry:<id>``: what the caller's unit was shown, the only entries it may report feedback on
(``hub.sanctions.feedback``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.checks import CHECK_SUBJECTS
from graph.reader import GraphReader
from hub.audit.disclosure import Disclosure
from hub.audit.lookups import note_lookup
from hub.clock import Clock
from hub.errors import BadInput
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper
from hub.sanctions.incentives import incentives
from hub.validation.identifiers import valid_id_number, valid_uscc

MAX_SUBJECTS = 1000
RESTRICTING_LISTS = frozenset({"BLACK", "WATCH"})
PURPOSE_UNIT_KINDS = {"BANK_PURPOSE": frozenset({"FINANCIAL"})}
"""A purpose group that narrows the measures shown to those of these implementing kinds."""
KIND_ORDER = {"MANDATORY": 0, "RECOMMENDED": 1}


@dataclass(frozen=True)
class SubjectKey:
    """A validated subject: exactly one of an enterprise's uscc or a person's identity number."""

    uscc: str | None = None
    id_number: str | None = None


def subject_key(uscc: str | None, id_number: str | None, field: str = "subject") -> SubjectKey:
    if (uscc is None) == (id_number is None):
        raise BadInput(field, "exactly one of uscc and idNumber is required")
    if uscc is not None:
        return SubjectKey(uscc=valid_uscc(uscc, f"{field}.uscc"))
    assert id_number is not None
    return SubjectKey(id_number=valid_id_number(id_number, f"{field}.idNumber"))


class CheckDesk:
    def __init__(
        self,
        reader: GraphReader,
        shaper: Shaper,
        cipher: FieldCipher,
        disclosure: Disclosure,
        unit: str,
        purpose_groups: frozenset[str],
        clock: Clock,
    ) -> None:
        self._reader = reader
        self._shaper = shaper
        self._cipher = cipher
        self._disclosure = disclosure
        self._unit = unit
        self._narrowed = _narrowing(purpose_groups)
        self._clock = clock

    async def check(self, subject: SubjectKey) -> Node:
        answers = await self.check_many([subject])
        answer = answers[0]
        assert isinstance(answer, Node)
        return answer

    async def check_many(self, subjects: Sequence[SubjectKey | BadInput]) -> list[Node | BadInput]:
        """Answers in input order; an item that failed validation stays its ``BadInput``."""
        if len(subjects) > MAX_SUBJECTS:
            raise BadInput("subjects", f"at most {MAX_SUBJECTS} subjects per request")
        if not subjects:
            return []
        keyed = [self._parameter(index, item) for index, item in enumerate(subjects)]
        day = self._clock()
        rows = await self._reader.rows(
            CHECK_SUBJECTS, {"subjects": keyed, "unit": self._unit, "today": day}
        )
        answers: list[Node | BadInput] = []
        for row, item in zip(rows, subjects, strict=True):
            answers.append(item if isinstance(item, BadInput) else self._answer(row, day))
        return answers

    def _tally(self, hit: bool) -> None:
        tally = self._disclosure.check_tally
        tally["checks"] = tally.get("checks", 0) + 1
        tally["check_hits"] = tally.get("check_hits", 0) + int(hit)

    def _parameter(self, index: int, item: SubjectKey | BadInput) -> dict[str, Any]:
        if isinstance(item, BadInput) or item.uscc is not None:
            uscc = None if isinstance(item, BadInput) else item.uscc
            return {"i": index, "uscc": uscc, "bidx": None}
        assert item.id_number is not None
        bidx = self._cipher.blind_index(PERSON_ID_NUMBER, item.id_number)
        return {"i": index, "uscc": None, "bidx": bidx}

    async def appointment(self, subject: SubjectKey, post: str) -> Node:
        """May the person take up ``post`` in an enterprise today (R11, Company Law art. 178)?"""
        if subject.id_number is None:
            raise BadInput("subject", "an appointment check is about a person: give idNumber")
        rows = await self._reader.rows(
            CHECK_SUBJECTS,
            {"subjects": [self._parameter(0, subject)], "unit": self._unit, "today": self._clock()},
        )
        row = rows[0]
        self._note(row)
        barring = [hit for hit in _hits(row) if post in (hit.measure["bars"] or [])]
        active = [hit for hit in _ordered(barring) if hit.status == "ACTIVE"]
        bars = [self._applied(hit) for hit in active]
        suspended = sorted({hit.entry_id for hit in barring if hit.status == "OBJECTED"})
        self._shown([hit.entry_id for hit in active] + suspended)
        return self._shaper.restrict(
            "AppointmentCheck",
            {
                "post": post,
                "allowed": not bars,
                "found": bool(row["found"]),
                "bars": bars,
                "suspended_entry_ids": suspended,
                "catalogue_version": row["catalogue_version"],
            },
        )

    def _note(self, row: dict[str, Any]) -> None:
        note_lookup(self._disclosure.check_tally, bool(row["found"]))
        if row["found"]:
            self._disclosure.subjects.add(f"{row['label']}:{row['key']}")

    def _shown(self, entry_ids: Iterable[str]) -> None:
        self._disclosure.subjects.update(f"ListEntry:{entry_id}" for entry_id in entry_ids)

    def _answer(self, row: dict[str, Any], day: date) -> Node:
        self._note(row)
        own: list[dict[str, Any]] = row["own"]
        reached: list[dict[str, Any]] = row["reached"]
        unit_kind = row["unit_kind"]
        applied = [
            hit
            for hit in _ordered(_hits(row))
            if hit.status == "ACTIVE" and self._applies(hit.measure, unit_kind)
        ]
        measures = [self._applied(hit) for hit in applied]
        self._tally(bool(measures))
        suspended = _suspended(own, reached)
        self._shown([hit.entry_id for hit in applied] + suspended)
        found_verdict = verdict(own, reached)
        granted = incentives(
            row,
            lambda measure: self._applies(measure, unit_kind),
            clean=bool(row["found"]) and found_verdict in ("CLEAR", "REWARDED"),
            on=day,
        )
        return self._shaper.restrict(
            "CheckResult",
            {
                "verdict": found_verdict,
                "found": bool(row["found"]),
                "measures": measures,
                "incentives": [self._shaper.restrict("Incentive", i) for i in granted],
                "suspended_entry_ids": suspended,
                "catalogue_version": row["catalogue_version"],
            },
        )

    def _applies(self, measure: dict[str, Any], unit_kind: str | None) -> bool:
        kinds = measure["implementing_kinds"] or []
        if unit_kind is None or unit_kind not in kinds:
            return False
        return self._narrowed is None or unit_kind in self._narrowed

    def _applied(self, hit: Hit) -> Node:
        measure = hit.measure
        return self._shaper.restrict(
            "AppliedMeasure",
            {
                "code": measure["code"],
                "title": measure["title"],
                "kind": measure["kind"],
                "entry_id": hit.entry_id,
                "reached_as": hit.reached_as,
                "path": hit.path,
                "until": measure["until"],
                "legal_basis": measure["legal_basis"],
                "catalogue_version": measure["catalogue_version"],
            },
        )


@dataclass(frozen=True)
class Hit:
    """A measure that reaches the subject through one entry (itself, or a role it held)."""

    measure: dict[str, Any]
    entry_id: str
    status: str
    reached_as: str | None
    path: list[str]


def _hits(row: dict[str, Any]) -> Iterator[Hit]:
    for entry in row["own"]:
        for measure in entry["measures"]:
            path = _own_path(row, entry, measure)
            yield Hit(measure, entry["id"], entry["status"], None, path)
    for hit in row["reached"]:
        entry = hit["entry"]
        path = _reach_path(row, hit)
        yield Hit(hit["measure"], entry["id"], entry["status"], hit["kind"], path)


def _ordered(hits: Iterable[Hit]) -> list[Hit]:
    """Mandatory measures first, then by code and entry (before any field is restricted)."""
    return sorted(
        hits, key=lambda h: (KIND_ORDER.get(h.measure["kind"], 9), h.measure["code"], h.entry_id)
    )


def verdict(own: list[dict[str, Any]], reached: list[dict[str, Any]]) -> str:
    restricting = [e["status"] for e in own if e["list"] in RESTRICTING_LISTS]
    restricting += [
        hit["entry"]["status"] for hit in reached if hit["entry"]["list"] in RESTRICTING_LISTS
    ]
    if "ACTIVE" in restricting:
        return "RESTRICTED"
    if "OBJECTED" in restricting:
        return "SUSPENDED"
    if any(e["list"] == "RED" and e["status"] == "ACTIVE" for e in own):
        return "REWARDED"
    return "CLEAR"


def _suspended(own: list[dict[str, Any]], reached: list[dict[str, Any]]) -> list[str]:
    ids = {e["id"] for e in own if e["status"] == "OBJECTED"}
    ids |= {hit["entry"]["id"] for hit in reached if hit["entry"]["status"] == "OBJECTED"}
    return sorted(ids)


def _narrowing(purpose_groups: frozenset[str]) -> frozenset[str] | None:
    for group, kinds in PURPOSE_UNIT_KINDS.items():
        if group in purpose_groups:
            return kinds
    return None


def _entry_step(entry: dict[str, Any]) -> str:
    act = entry["act_date"] or "unknown"
    return (
        f"ListEntry:{entry['id']} {entry['list']} {entry['domain']}"
        f" identified {entry['identified_on']} act {act}"
    )


def _measure_step(measure: dict[str, Any]) -> str:
    return (
        f"Measure:{measure['code']}@{measure['catalogue_version']}"
        f" until {measure['until'] or 'open'} ({measure['legal_basis']})"
    )


def _own_path(row: dict[str, Any], entry: dict[str, Any], measure: dict[str, Any]) -> list[str]:
    return [_entry_step(entry), f"{row['label']}:{row['key']}", _measure_step(measure)]


def _reach_path(row: dict[str, Any], hit: dict[str, Any]) -> list[str]:
    role = f"{hit['kind']} {hit['role_from'] or '?'}..{hit['role_to'] or 'open'}"
    return [
        _entry_step(hit["entry"]),
        f"Enterprise:{hit['enterprise']}",
        f"{role} held on {hit['held_on']}",
        f"Person:{row['key']}",
        _measure_step(hit["measure"]),
    ]
