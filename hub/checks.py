"""``check`` and ``checkMany`` (R11, R12, R16, R22): what the caller's unit must or may do about
a subject, with the verdict, each measure's proof path and end date.

ONE Cypher round trip however many subjects (``graph.checks.CHECK_SUBJECTS``); the verdict and
the caller's measures are decided here from what it returns:

* verdict — RESTRICTED: an enterprise or person black- or watch-listed itself, or a person whom
  a measure reaches through a role held on the reach date; SUSPENDED: the only restricting
  entries are under objection (R22); REWARDED: an effective red entry and nothing else; CLEAR.
* measures — those of effective entries (never of an entry under objection) whose implementing
  kinds include the caller's unit kind (narrowed to FINANCIAL for a bank purpose).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.checks import CHECK_SUBJECTS
from graph.reader import GraphReader
from hub.clock import today
from hub.crypto import PERSON_ID_NUMBER, FieldCipher
from hub.disclosure import Disclosure
from hub.errors import BadInput
from hub.identifiers import valid_id_number, valid_uscc
from hub.nodes import Node
from hub.shaping import Shaper

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
    ) -> None:
        self._reader = reader
        self._shaper = shaper
        self._cipher = cipher
        self._disclosure = disclosure
        self._unit = unit
        self._narrowed = _narrowing(purpose_groups)

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
        rows = await self._reader.rows(
            CHECK_SUBJECTS, {"subjects": keyed, "unit": self._unit, "today": today()}
        )
        answers: list[Node | BadInput] = []
        for row, item in zip(rows, subjects, strict=True):
            answers.append(item if isinstance(item, BadInput) else self._answer(row))
        return answers

    def _parameter(self, index: int, item: SubjectKey | BadInput) -> dict[str, Any]:
        if isinstance(item, BadInput) or item.uscc is not None:
            uscc = None if isinstance(item, BadInput) else item.uscc
            return {"i": index, "uscc": uscc, "bidx": None}
        assert item.id_number is not None
        bidx = self._cipher.blind_index(PERSON_ID_NUMBER, item.id_number)
        return {"i": index, "uscc": None, "bidx": bidx}

    def _answer(self, row: dict[str, Any]) -> Node:
        if row["found"]:
            self._disclosure.subjects.add(f"{row['label']}:{row['key']}")
        own: list[dict[str, Any]] = row["own"]
        reached: list[dict[str, Any]] = row["reached"]
        measures = [
            self._applied(measure, entry["id"], None, _own_path(row, entry, measure))
            for entry in own
            if entry["status"] == "ACTIVE"
            for measure in entry["measures"]
            if self._applies(measure, row["unit_kind"])
        ] + [
            self._applied(hit["measure"], hit["entry"]["id"], hit["kind"], _reach_path(row, hit))
            for hit in reached
            if hit["entry"]["status"] == "ACTIVE"
            and self._applies(hit["measure"], row["unit_kind"])
        ]
        measures.sort(key=lambda m: (KIND_ORDER.get(m["kind"], 9), m["code"], m["entry_id"]))
        return self._shaper.restrict(
            "CheckResult",
            {
                "verdict": verdict(own, reached),
                "found": bool(row["found"]),
                "measures": measures,
                "suspended_entry_ids": _suspended(own, reached),
                "catalogue_version": row["catalogue_version"],
            },
        )

    def _applies(self, measure: dict[str, Any], unit_kind: str | None) -> bool:
        kinds = measure["implementing_kinds"] or []
        if unit_kind is None or unit_kind not in kinds:
            return False
        return self._narrowed is None or unit_kind in self._narrowed

    def _applied(
        self, measure: dict[str, Any], entry_id: str, reached_as: str | None, path: list[str]
    ) -> Node:
        return self._shaper.restrict(
            "AppliedMeasure",
            {
                "code": measure["code"],
                "title": measure["title"],
                "kind": measure["kind"],
                "entry_id": entry_id,
                "reached_as": reached_as,
                "path": path,
                "until": measure["until"],
                "legal_basis": measure["legal_basis"],
                "catalogue_version": measure["catalogue_version"],
            },
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
