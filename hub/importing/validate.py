"""Parsing an import file (JSON Lines, API.md "Import file") into records, or problems.

Every line is read and every problem collected, so that a rejected file lists all its bad lines.
This module checks each line on its own (codes, dates, enums, the order of dates);
``hub.importing.consistency`` checks the file as a whole and ``hub.importing.references``
what needs the graph. The rules are listed in docs/import.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.vocabulary import EntryStatus, ExitReason, ListKind, RoleKind, UnitKind
from hub.importing.consistency import Defined
from hub.importing.fields import LineReader, Problems, id_number_problem, uscc_problem
from hub.importing.records import (
    Enterprise,
    ListEntry,
    Person,
    Record,
    Role,
    Shareholding,
    SubjectKind,
    Unit,
)
from hub.lifecycle.rules import EXIT_REASONS
from hub.validation.input_bounds import LEGAL_BASIS, NAME, PERSON_NAME, REPAIR_METHOD, DateKind

_BOM = b"\xef\xbb\xbf"
# validity and other end dates may lie far ahead (hub/validation/input_bounds.py)
END = DateKind.END


class _DuplicateField(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass
class Parsed:
    """The records of the good lines, and the problems of the bad ones."""

    records: list[Record] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    defined: Defined = field(default_factory=Defined)


def parse_file(data: bytes) -> Parsed:
    """Read every line of ``data``; blank lines are skipped, line numbers count from 1."""
    parsed = Parsed()
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        fields = _json_object(number, raw, parsed.problems)
        if fields is None:
            continue
        _note_key(fields, parsed.defined)
        record = parse_record(number, fields, parsed.problems)
        if record is not None:
            parsed.records.append(record)
    return parsed


def _note_key(fields: dict[str, Any], defined: Defined) -> None:
    """Remember a line's key when it is valid, so that references to it resolve."""
    kind = fields.get("type")
    if kind == "unit" and isinstance(fields.get("code"), str):
        defined.unit_codes.add(fields["code"])
    elif kind == "enterprise" and uscc_problem(fields.get("uscc")) is None:
        defined.usccs.add(fields["uscc"])
    elif kind == "person" and id_number_problem(fields.get("id_number")) is None:
        defined.id_numbers.add(fields["id_number"])


def parse_record(number: int, fields: dict[str, Any], problems: Problems) -> Record | None:
    """The record on line ``number``, or None after adding its problems to ``problems``."""
    kind = fields.get("type")
    parser = _PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        problems.add(number, "type", f"must be one of {', '.join(_PARSERS)}")
        return None
    before = len(problems)
    reader = LineReader(number, fields, problems)
    record = parser(reader)
    reader.finish()
    return record if len(problems) == before else None


def _json_object(number: int, raw: bytes, problems: Problems) -> dict[str, Any] | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.add(number, "(line)", "is not UTF-8 text")
        return None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _DuplicateField as exc:
        problems.add(number, exc.name, "appears more than once on the line")
        return None
    except ValueError:
        problems.add(number, "(line)", "is not a JSON object on one line")
        return None
    if not isinstance(value, dict):
        problems.add(number, "(line)", "is not a JSON object on one line")
        return None
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name in fields:
            raise _DuplicateField(name)
        fields[name] = value
    return fields


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unit(r: LineReader) -> Unit | None:
    code, name, kind = r.unit_code("code"), r.text("name", NAME), r.enum("kind", UnitKind)
    if code is None or name is None or kind is None:
        return None
    return Unit(r.line, code, name, kind)


def _enterprise(r: LineReader) -> Enterprise | None:
    uscc, name = r.uscc("uscc"), r.text("name", NAME)
    registered_on = r.day("registered_on", required=False)
    if uscc is None or name is None:
        return None
    return Enterprise(r.line, uscc, name, registered_on)


def _person(r: LineReader) -> Person | None:
    id_number, name = r.id_number("id_number"), r.text("name", PERSON_NAME)
    if id_number is None or name is None:
        return None
    return Person(r.line, id_number, name)


def _role(r: LineReader) -> Role | None:
    person, enterprise = r.id_number("person"), r.uscc("enterprise")
    kind = r.enum("role", RoleKind)
    start, end = r.day("from"), r.day("to", required=False, kind=END)
    _not_before(r, "to", end, "from", start)
    if person is None or enterprise is None or kind is None or start is None:
        return None
    return Role(r.line, person, enterprise, kind, start, end)


def _shareholding(r: LineReader) -> Shareholding | None:
    holder, enterprise = r.subject("holder"), r.uscc("enterprise")
    percent = r.percent("percent")
    start, end = r.day("from"), r.day("to", required=False, kind=END)
    _not_before(r, "to", end, "from", start)
    if holder and holder.kind is SubjectKind.ENTERPRISE and holder.key == enterprise:
        r.problem("holder", "an enterprise can not hold shares in itself")
        return None
    if holder is None or enterprise is None or percent is None or start is None:
        return None
    return Shareholding(r.line, holder, enterprise, percent, start, end)


def _entry(r: LineReader) -> ListEntry | None:
    entry_id, list_kind = r.code("id"), r.enum("list", ListKind)
    subject, unit, domain = r.subject("subject"), r.unit_code("unit"), r.domain("domain")
    basis, status = r.basis("basis"), r.enum("status", EntryStatus)
    act_date, identified_on = r.day("act_date", required=False), r.day("identified_on")
    valid_until = r.day("valid_until", required=False, kind=END)
    repairable = r.boolean("repairable", required=list_kind is not ListKind.RED)
    legal_basis = r.text("legal_basis", LEGAL_BASIS, required=False)
    reported_on = r.day("reported_on", required=False)
    valid_from = r.day("valid_from", required=False)
    repair_method = r.text("repair_method", REPAIR_METHOD, required=False)
    repair_earliest = r.day("repair_earliest", required=False, kind=END)
    exit_reason = r.optional_enum("exit_reason", ExitReason)
    exited_on = r.day("exited_on", required=False)
    _check_entry_dates(r, act_date, identified_on, valid_from, valid_until, reported_on)
    _check_entry_repair(r, repairable, repair_method, repair_earliest, identified_on)
    _check_entry_exit(r, list_kind, status, exit_reason, exited_on, identified_on)
    if (
        entry_id is None
        or list_kind is None
        or subject is None
        or unit is None
        or domain is None
        or basis is None
        or status is None
        or identified_on is None
    ):
        return None
    return ListEntry(
        line=r.line,
        id=entry_id,
        list_kind=list_kind,
        subject=subject,
        unit=unit,
        domain=domain,
        basis=basis,
        act_date=act_date,
        identified_on=identified_on,
        valid_until=valid_until,
        status=status,
        repairable=repairable,
        legal_basis=legal_basis,
        reported_on=reported_on,
        valid_from=valid_from,
        repair_method=repair_method,
        repair_earliest=repair_earliest,
        exit_reason=exit_reason,
        exited_on=exited_on,
    )


def _check_entry_dates(
    r: LineReader,
    act_date: date | None,
    identified_on: date | None,
    valid_from: date | None,
    valid_until: date | None,
    reported_on: date | None,
) -> None:
    if act_date is not None and identified_on is not None and act_date > identified_on:
        r.problem("act_date", "must not be after identified_on")
    _not_before(r, "valid_until", valid_until, "identified_on", identified_on)
    _not_before(r, "valid_from", valid_from, "identified_on", identified_on)
    _not_before(r, "valid_until", valid_until, "valid_from", valid_from)
    _not_before(r, "reported_on", reported_on, "identified_on", identified_on)


def _check_entry_repair(
    r: LineReader,
    repairable: bool | None,
    repair_method: str | None,
    repair_earliest: date | None,
    identified_on: date | None,
) -> None:
    if repairable is not True:
        for name, value in (("repair_method", repair_method), ("repair_earliest", repair_earliest)):
            if value is not None:
                r.problem(name, "only a repairable entry says how or when it may be repaired (R21)")
    _not_before(r, "repair_earliest", repair_earliest, "identified_on", identified_on)


_EXITS_OF = EXIT_REASONS  # the lifecycle's own list (R5, R7, R8): one source


def _check_entry_exit(
    r: LineReader,
    list_kind: ListKind | None,
    status: EntryStatus | None,
    exit_reason: ExitReason | None,
    exited_on: date | None,
    identified_on: date | None,
) -> None:
    if status is not EntryStatus.EXITED:
        for name, value in (("exit_reason", exit_reason), ("exited_on", exited_on)):
            if value is not None and status is not None:
                r.problem(name, "only an EXITED entry has one")
        return
    allowed = _EXITS_OF[list_kind] if list_kind is not None else set(ExitReason)
    if exit_reason is not None and exit_reason not in allowed:
        names = ", ".join(sorted(allowed))
        r.problem("exit_reason", f"a {list_kind} entry exits only as {names} (R7, R8)")
    _not_before(r, "exited_on", exited_on, "identified_on", identified_on)


def _not_before(
    r: LineReader, later: str, later_on: date | None, earlier: str, earlier_on: date | None
) -> None:
    if later_on is not None and earlier_on is not None and later_on < earlier_on:
        r.problem(later, f"must not be before {earlier}")


_PARSERS: dict[str, Callable[[LineReader], Record | None]] = {
    "unit": _unit,
    "enterprise": _enterprise,
    "person": _person,
    "role": _role,
    "shareholding": _shareholding,
    "entry": _entry,
}
