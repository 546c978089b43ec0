"""The lifecycle rules as pure functions: which step may follow which, and what it causes.

Nothing here touches the graph; ``hub.lifecycle.service`` reads the entry (locking it), asks
these rules, and writes what they decide in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph.vocabulary import EntryStatus, ExitReason, ListKind

LIVE = (EntryStatus.PROPOSED, EntryStatus.PUBLIC_NOTICE, EntryStatus.ACTIVE, EntryStatus.OBJECTED)

# The four exit reasons of each list (R7 red, R8 black; watch follows the black-list pattern
# plus the transfer of R5).
EXIT_REASONS: dict[ListKind, frozenset[ExitReason]] = {
    ListKind.RED: frozenset(
        {
            ExitReason.LISTED_IN_ERROR,  # R7a
            ExitReason.BLACK_LISTED,  # R7b
            ExitReason.WATCH_LISTED,  # R7b
            ExitReason.MISUSED_REWARDS,  # R7b
            ExitReason.EXPIRED,  # R7c
            ExitReason.STANDARD_CHANGED,  # R7d
        }
    ),
    ListKind.BLACK: frozenset(
        {
            ExitReason.LISTED_IN_ERROR,  # R8a
            ExitReason.CREDIT_REPAIRED,  # R8b
            ExitReason.EXPIRED,  # R8c
            ExitReason.STANDARD_CHANGED,  # R8d
        }
    ),
    ListKind.WATCH: frozenset(
        {
            ExitReason.LISTED_IN_ERROR,
            ExitReason.TRANSFERRED_TO_BLACK,  # R5
            ExitReason.CREDIT_REPAIRED,
            ExitReason.EXPIRED,
            ExitReason.STANDARD_CHANGED,
        }
    ),
}
# Exits a unit declares itself; the others follow from other steps (objection, repair,
# black-listing, expiry).
DECLARED_EXITS = frozenset({ExitReason.STANDARD_CHANGED, ExitReason.MISUSED_REWARDS})


@dataclass(frozen=True)
class EntryState:
    """What the rules need to know of an entry, read under its lock."""

    id: str
    list: ListKind
    status: EntryStatus
    unit: str
    recognised: bool
    """Recognised from another platform (R18): never moved here; its changes arrive by the
    channel it came through."""
    subject_is_person: bool
    version: int
    valid_until: date | None
    notice_until: date | None
    prior_notice_on: date | None
    repairable: bool | None
    repair_earliest: date | None
    status_before_objection: EntryStatus | None


class Refusal(Exception):
    """An expected refusal: becomes a union result, not an error."""

    def __init__(self, kind: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.details = details


def not_allowed(entry: EntryState, action: str, why: str) -> Refusal:
    return Refusal(
        "TransitionNotAllowed",
        f"{action} is not allowed for {entry.list} entry {entry.id} ({entry.status}): {why}",
        status=entry.status,
        action=action,
    )


def expired(entry: EntryState, today: date) -> bool:
    return entry.valid_until is not None and entry.valid_until < today


def check_public_notice(entry: EntryState, notice_until: date, today: date) -> None:
    if entry.status != EntryStatus.PROPOSED:
        raise not_allowed(entry, "startPublicNotice", "only a proposed entry goes on notice")
    if notice_until <= today:
        raise not_allowed(entry, "startPublicNotice", "the notice must end after today")


def check_prior_notice(entry: EntryState) -> None:
    if entry.list != ListKind.BLACK or not entry.subject_is_person:
        raise not_allowed(
            entry, "givePriorNotice", "prior notice is for black-listing natural persons (R4)"
        )
    if entry.status not in (EntryStatus.PROPOSED, EntryStatus.PUBLIC_NOTICE):
        raise not_allowed(entry, "givePriorNotice", "the entry is no longer a candidate")


def check_confirm(entry: EntryState, today: date) -> None:
    """R3: red only after public notice without objection; R4: natural persons are given
    prior notice before black-listing; a notice period must have ended."""
    if entry.status == EntryStatus.PROPOSED:
        if entry.list == ListKind.RED:
            raise not_allowed(entry, "confirm", "a red candidate must be on public notice (R3)")
    elif entry.status == EntryStatus.PUBLIC_NOTICE:
        if entry.notice_until is not None and entry.notice_until >= today:
            raise not_allowed(
                entry, "confirm", f"the public notice runs until {entry.notice_until}"
            )
    else:
        raise not_allowed(entry, "confirm", "only a candidate can be confirmed")
    if entry.list == ListKind.BLACK and entry.subject_is_person and entry.prior_notice_on is None:
        raise not_allowed(
            entry, "confirm", "a natural person must be given prior notice first (R4)"
        )
    if expired(entry, today):
        raise not_allowed(entry, "confirm", f"the validity ended on {entry.valid_until}")


def check_objection(entry: EntryState) -> None:
    if entry.status not in (EntryStatus.PUBLIC_NOTICE, EntryStatus.ACTIVE):
        raise not_allowed(
            entry, "raiseObjection", "objections are raised against entries on notice or in force"
        )


def check_repair_application(entry: EntryState, today: date) -> None:
    """R21: the entry says whether and from when its subject may repair."""
    if entry.list == ListKind.RED or entry.status != EntryStatus.ACTIVE:
        raise not_allowed(entry, "applyForRepair", "only black or watch entries in force")
    if not entry.repairable:
        raise Refusal(
            "NotRepairable",
            f"entry {entry.id} is not repairable (R21: particularly serious dishonesty)",
            entry_id=entry.id,
        )
    if entry.repair_earliest is not None and today < entry.repair_earliest:
        raise Refusal(
            "TooEarlyForRepair",
            f"entry {entry.id} can be repaired from {entry.repair_earliest} (R21)",
            earliest=entry.repair_earliest,
        )


def check_declared_exit(entry: EntryState, reason: ExitReason) -> None:
    if reason not in DECLARED_EXITS or reason not in EXIT_REASONS[entry.list]:
        allowed = sorted(r.value for r in DECLARED_EXITS & EXIT_REASONS[entry.list])
        raise not_allowed(
            entry, "exitEntry", f"{reason} is not an exit a unit declares for this list: {allowed}"
        )
    if entry.status not in LIVE:
        raise not_allowed(entry, "exitEntry", "the entry has already exited")


def follows_with_watch(entry_list: ListKind, reason: ExitReason) -> bool:
    """R8: after every black exit except 'listed in error', the subject is watch-listed."""
    return entry_list == ListKind.BLACK and reason != ExitReason.LISTED_IN_ERROR
