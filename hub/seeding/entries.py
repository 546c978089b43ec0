"""The city's red, black and watch list entries: every list in every status (R1-R8).

Each listed subject is listed once (plus, after a black exit other than an error, the watch
entry that R8 requires), so no black-listed subject is on a red list (R3, R4).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product

from graph.vocabulary import EntryStatus, ExitReason, ListKind
from hub.importing.records import ListEntry, SubjectKind, SubjectRef
from hub.seeding.enterprises import AS_OF
from hub.seeding.units import BLACK_DOMAINS, RED_DOMAINS

FIRST_IDENTIFICATION = date(2019, 1, 1)
EVERY_COMBINATION = tuple(product(ListKind, EntryStatus))  # 15 (list, status) pairs
_STATUSES = tuple(EntryStatus)
_STATUS_WEIGHTS = (7, 8, 60, 10, 15)  # PROPOSED, PUBLIC_NOTICE, ACTIVE, OBJECTED, EXITED
_VALID_YEARS = {ListKind.RED: (2, 3), ListKind.BLACK: (3, 5), ListKind.WATCH: (1, 2)}
_EXITS = {
    ListKind.RED: ((ExitReason.EXPIRED, ExitReason.STANDARD_CHANGED, ExitReason.LISTED_IN_ERROR,
                    ExitReason.MISUSED_REWARDS), (50, 20, 15, 15)),
    ListKind.BLACK: ((ExitReason.CREDIT_REPAIRED, ExitReason.EXPIRED, ExitReason.LISTED_IN_ERROR,
                      ExitReason.STANDARD_CHANGED), (40, 30, 15, 15)),
    ListKind.WATCH: ((ExitReason.EXPIRED, ExitReason.CREDIT_REPAIRED, ExitReason.LISTED_IN_ERROR),
                     (60, 30, 10)),
}  # fmt: skip
_BEFORE_EFFECT = (EntryStatus.PROPOSED, EntryStatus.PUBLIC_NOTICE)
_ERROR = ExitReason.LISTED_IN_ERROR
_REPORT_DELAYS = (0, 1, 2, 3, 4, 6, 9)  # days; some units report late (R6)
Domain = tuple[str, tuple[str, ...], int, str]  # domain, identifying units, basis, legal basis
_REPAIRS = (
    "履行相关义务并提交信用修复申请",
    "补缴税款、滞纳金和罚款后申请信用修复",
    "完成整改并通过复查，公开作出信用承诺",
    "参加信用修复专题培训并提交信用报告",
)


@dataclass
class EntryDrawer:
    """Draws entries with ids E-<year>-<6-digit sequence>, unique across the seed."""

    rng: random.Random
    sequence: int = 0

    def listing(self, subject: SubjectRef, first: int) -> list[ListEntry]:
        """The entries of one listed subject; the first 15 cover every (list, status) pair."""
        if first < len(EVERY_COMBINATION):
            list_kind, status = EVERY_COMBINATION[first]
        else:
            list_kind, status = self._list_kind(subject), self._status()
        entry = self.entry(subject, list_kind, status)
        if list_kind is ListKind.BLACK and entry.exit_reason not in (None, _ERROR):
            return [entry, self.watch_after(entry)]
        return [entry]

    def _list_kind(self, subject: SubjectRef) -> ListKind:
        weights = (10, 70, 20) if subject.kind is SubjectKind.PERSON else (25, 50, 25)
        return self.rng.choices(tuple(ListKind), weights)[0]

    def _status(self) -> EntryStatus:
        return self.rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]

    def entry(self, subject: SubjectRef, list_kind: ListKind, status: EntryStatus) -> ListEntry:
        rng = self.rng
        domain, units, basis, legal_basis = self._domain(subject, list_kind)
        repairable = self._repairable(list_kind)
        exit_reason = self._exit_reason(list_kind, repairable, status)
        years = rng.choice(_VALID_YEARS[list_kind])
        identified = self._identified_on(status, exit_reason, years)
        valid_until = identified + timedelta(days=365 * years)
        if status is not EntryStatus.EXITED:  # still valid a year after the seed's today
            valid_until = max(valid_until, AS_OF + timedelta(days=365 + rng.randrange(730)))
        public = list_kind is ListKind.RED and status not in _BEFORE_EFFECT
        return ListEntry(
            line=0,
            id=self._next_id(identified),
            list_kind=list_kind,
            subject=subject,
            unit=rng.choice(units),
            domain=domain,
            basis=basis,
            act_date=self._days_before(identified, 20, 400) if rng.random() < 0.9 else None,
            identified_on=identified,
            valid_until=valid_until,
            status=status,
            repairable=repairable,
            legal_basis=legal_basis,
            reported_on=identified + timedelta(days=rng.choice(_REPORT_DELAYS)),
            valid_from=identified + timedelta(days=rng.randrange(7, 16)) if public else None,
            repair_method=rng.choice(_REPAIRS) if repairable else None,
            repair_earliest=self._repair_earliest(identified) if repairable else None,
            exit_reason=exit_reason,
            exited_on=self._exited_on(exit_reason, identified, valid_until),
        )

    def watch_after(self, black: ListEntry) -> ListEntry:
        """R8: after a black exit (other than an error) the subject is at once on the watch list."""
        start = black.exited_on or black.identified_on
        until = start + timedelta(days=365 * self.rng.choice((1, 2)))
        return ListEntry(
            line=0,
            id=self._next_id(start),
            list_kind=ListKind.WATCH,
            subject=black.subject,
            unit=black.unit,
            domain=black.domain,
            basis=black.basis,
            act_date=black.act_date,
            identified_on=start,
            valid_until=max(until, AS_OF + timedelta(days=365)),
            status=EntryStatus.ACTIVE,
            repairable=True,
            legal_basis=black.legal_basis,
            reported_on=start + timedelta(days=1),
            repair_method=_REPAIRS[0],
        )

    def _days_before(self, day: date, low: int, high: int) -> date:
        return day - timedelta(days=self.rng.randrange(low, high))

    def _repairable(self, list_kind: ListKind) -> bool | None:
        if list_kind is ListKind.RED:
            return None
        return list_kind is ListKind.WATCH or self.rng.random() < 0.8

    def _repair_earliest(self, identified: date) -> date | None:
        if self.rng.random() < 0.7:
            return identified + timedelta(days=self.rng.randrange(180, 366))
        return None

    def _domain(self, subject: SubjectRef, list_kind: ListKind) -> Domain:
        person = subject.kind is SubjectKind.PERSON
        if list_kind is ListKind.RED:
            domain = "COMMENDATION" if person else self.rng.choice(tuple(RED_DOMAINS))
            return (domain, *RED_DOMAINS[domain])
        if person and list_kind is ListKind.BLACK and self.rng.random() < 0.8:
            return ("JUDICIAL", *BLACK_DOMAINS["JUDICIAL"])  # 失信被执行人
        choices = [d for d in BLACK_DOMAINS if list_kind is ListKind.BLACK or d != "JUDICIAL"]
        domain = self.rng.choice(choices)
        return (domain, *BLACK_DOMAINS[domain])

    def _exit_reason(
        self, list_kind: ListKind, repairable: bool | None, status: EntryStatus
    ) -> ExitReason | None:
        if status is not EntryStatus.EXITED:
            return None
        reasons, weights = _EXITS[list_kind]
        reason = self.rng.choices(reasons, weights)[0]
        if reason is ExitReason.CREDIT_REPAIRED and not repairable:
            return ExitReason.EXPIRED
        return reason

    def _identified_on(
        self, status: EntryStatus, exit_reason: ExitReason | None, years: int
    ) -> date:
        if status in _BEFORE_EFFECT:
            return self._days_before(AS_OF, 5, 40)
        expired = exit_reason is ExitReason.EXPIRED
        latest = AS_OF - timedelta(days=365 * years + 30 if expired else 60)
        earliest = min(FIRST_IDENTIFICATION, latest - timedelta(days=365))
        return earliest + timedelta(days=self.rng.randrange((latest - earliest).days))

    def _exited_on(
        self, reason: ExitReason | None, identified: date, valid_until: date
    ) -> date | None:
        if reason is None:
            return None
        if reason is ExitReason.EXPIRED:
            return valid_until
        latest = min(valid_until, AS_OF)
        return identified + timedelta(
            days=self.rng.randrange(1, max(2, (latest - identified).days))
        )

    def _next_id(self, identified: date) -> str:
        self.sequence += 1
        return f"E-{identified.year}-{self.sequence:06d}"
