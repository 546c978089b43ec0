"""Turning checked records into the rows ``graph.loading`` writes; identity numbers are sealed.

The only place where an imported identity number meets the graph's shape: it leaves as AES-GCM
ciphertext with its key id and as an HMAC blind index, never in clear (docs/model.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from graph.loading import EnterpriseRow, EntryRow, PersonRow, RoleRow, ShareholdingRow, UnitRow
from hub.importing.records import (
    Enterprise,
    ListEntry,
    Person,
    Record,
    Role,
    Shareholding,
    SubjectKind,
    SubjectRef,
    Unit,
)
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher
from hub.lifecycle.calendar import ScheduleMissing, report_deadline

ID_NUMBER_FIELD = PERSON_ID_NUMBER  # the field name identity numbers are sealed under


def new_person_id() -> str:
    """A random opaque person id: "P" and 24 hex digits, never derived from the id number."""
    return "P" + secrets.token_hex(12)


@dataclass
class Rows:
    units: list[UnitRow] = field(default_factory=list)
    enterprises: list[EnterpriseRow] = field(default_factory=list)
    persons: list[PersonRow] = field(default_factory=list)
    roles: list[RoleRow] = field(default_factory=list)
    shareholdings: list[ShareholdingRow] = field(default_factory=list)
    entries: list[EntryRow] = field(default_factory=list)

    def __len__(self) -> int:
        """How many rows in all."""
        return (
            len(self.units)
            + len(self.enterprises)
            + len(self.persons)
            + len(self.roles)
            + len(self.shareholdings)
            + len(self.entries)
        )


class RowBuilder:
    """Builds rows with one cipher; blind indexes are memoised (a person recurs on many lines).

    A new person gets a random opaque id, unless ``person_ids`` gives one for its identity
    number (the seed derives them from its RNG, so that the same seed gives the same ids).
    """

    def __init__(self, cipher: FieldCipher, person_ids: Mapping[str, str] | None = None) -> None:
        self._cipher = cipher
        self._person_ids = person_ids if person_ids is not None else {}
        self._bidx: dict[str, str] = {}

    def blind_index(self, id_number: str) -> str:
        bidx = self._bidx.get(id_number)
        if bidx is None:
            bidx = self._bidx[id_number] = self._cipher.blind_index(ID_NUMBER_FIELD, id_number)
        return bidx

    def build(self, records: Iterable[Record]) -> Rows:
        rows = Rows()
        for record in records:
            self._add(rows, record)
        return rows

    def _add(self, rows: Rows, record: Record) -> None:
        match record:
            case Unit():
                rows.units.append(unit_row(record))
            case Enterprise():
                rows.enterprises.append(enterprise_row(record))
            case Person():
                rows.persons.append(self.person_row(record))
            case Role():
                rows.roles.append(self.role_row(record))
            case Shareholding():
                rows.shareholdings.append(self.shareholding_row(record))
            case ListEntry():
                rows.entries.append(self.entry_row(record))

    def person_row(self, person: Person) -> PersonRow:
        sealed = self._cipher.seal(ID_NUMBER_FIELD, person.id_number)
        return {
            "id": self._person_ids.get(person.id_number) or new_person_id(),
            "id_number_bidx": self.blind_index(person.id_number),
            "id_number_ct": sealed.ciphertext,
            "id_number_kid": sealed.key_id,
            "name": person.name,
        }

    def role_row(self, role: Role) -> RoleRow:
        return {
            "person_bidx": self.blind_index(role.person),
            "enterprise": role.enterprise,
            "kind": role.kind.value,
            "from": role.from_,
            "to": role.to,
        }

    def shareholding_row(self, holding: Shareholding) -> ShareholdingRow:
        uscc, bidx = self._subject_keys(holding.holder)
        return {
            "holder_bidx": bidx,
            "holder_uscc": uscc,
            "enterprise": holding.enterprise,
            "percent": holding.percent,
            "from": holding.from_,
            "to": holding.to,
        }

    def entry_row(self, e: ListEntry) -> EntryRow:
        uscc, bidx = self._subject_keys(e.subject)
        return {
            "id": e.id,
            "list": e.list_kind.value,
            "status": e.status.value,
            "domain": e.domain,
            "basis": e.basis,
            "legal_basis": e.legal_basis,
            "act_date": e.act_date,
            "identified_on": e.identified_on,
            "reported_on": e.reported_on,
            "reported_late": reported_late(e.identified_on, e.reported_on),
            "valid_from": e.valid_from,
            "valid_until": e.valid_until,
            "repairable": e.repairable,
            "repair_method": e.repair_method,
            "repair_earliest": e.repair_earliest,
            "exit_reason": e.exit_reason.value if e.exit_reason else None,
            "exited_on": e.exited_on,
            "unit": e.unit,
            "subject_uscc": uscc,
            "subject_bidx": bidx,
        }

    def _subject_keys(self, subject: SubjectRef) -> tuple[str | None, str | None]:
        """(uscc, None) for an enterprise, (None, blind index) for a person."""
        if subject.kind is SubjectKind.ENTERPRISE:
            return subject.key, None
        return None, self.blind_index(subject.key)


def enterprise_row(enterprise: Enterprise) -> EnterpriseRow:
    return {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "registered_on": enterprise.registered_on,
    }


def unit_row(unit: Unit) -> UnitRow:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind.value}


def reported_late(identified_on: date, reported_on: date | None) -> bool | None:
    """R6: whether an entry reported on ``reported_on`` missed the deadline of five working
    days after ``identified_on``; None when it does not say when it was reported, or when the
    working-day calendar of those years is not known (policies/calendar/README.md)."""
    if reported_on is None:
        return None
    try:
        return reported_on > report_deadline(identified_on)
    except ScheduleMissing:
        return None
