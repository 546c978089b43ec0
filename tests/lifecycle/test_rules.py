"""The lifecycle rules (``hub.lifecycle.rules``) as the pure functions they are: no Neo4j.
Each test names the rule of /work/shared/DESIGN.md it holds (R3, R4, R5, R7, R8, R21, R22)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from graph.vocabulary import EntryStatus, ExitReason, ListKind
from hub.lifecycle.rules import (
    DECLARED_EXITS,
    EXIT_REASONS,
    LIVE,
    EntryState,
    Refusal,
    check_confirm,
    check_declared_exit,
    check_objection,
    check_prior_notice,
    check_public_notice,
    check_repair_application,
    expired,
    follows_with_watch,
    not_allowed,
)

TODAY = date(2026, 11, 26)
CANDIDATES = (EntryStatus.PROPOSED, EntryStatus.PUBLIC_NOTICE)


def entry(**changes: object) -> EntryState:
    base = EntryState(
        id="E-1",
        list=ListKind.BLACK,
        status=EntryStatus.PROPOSED,
        unit="U-TAX",
        recognised=False,
        subject_is_person=False,
        version=1,
        valid_until=None,
        notice_until=None,
        prior_notice_on=None,
        repairable=True,
        repair_earliest=None,
        status_before_objection=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def refused(call: object, *args: object) -> Refusal:
    assert callable(call)
    with pytest.raises(Refusal) as refusal:
        call(*args)
    return refusal.value


def test_a_refusal_names_the_action_the_entry_and_its_status() -> None:
    refusal = not_allowed(entry(), "confirm", "why")
    assert refusal.kind == "TransitionNotAllowed"
    assert refusal.message == "confirm is not allowed for BLACK entry E-1 (PROPOSED): why"
    assert refusal.details == {"status": EntryStatus.PROPOSED, "action": "confirm"}


def test_an_entry_has_expired_only_after_its_last_valid_day_R7c_R8c() -> None:
    assert not expired(entry(valid_until=None), TODAY)
    assert not expired(entry(valid_until=TODAY), TODAY)
    assert expired(entry(valid_until=TODAY - timedelta(days=1)), TODAY)


def test_only_a_proposed_entry_goes_on_public_notice_ending_after_today_R3() -> None:
    check_public_notice(entry(), TODAY + timedelta(days=7), TODAY)
    assert "ending" not in refused(check_public_notice, entry(), TODAY, TODAY).message
    assert "after today" in refused(check_public_notice, entry(), TODAY, TODAY).message
    on_notice = entry(status=EntryStatus.PUBLIC_NOTICE)
    assert "only a proposed" in refused(check_public_notice, on_notice, TODAY, TODAY).message


def test_prior_notice_is_for_black_listing_natural_persons_R4() -> None:
    for status in CANDIDATES:
        check_prior_notice(entry(subject_is_person=True, status=status))
    assert "(R4)" in refused(check_prior_notice, entry(subject_is_person=False)).message
    red = entry(list=ListKind.RED, subject_is_person=True)
    assert "(R4)" in refused(check_prior_notice, red).message
    active = entry(subject_is_person=True, status=EntryStatus.ACTIVE)
    assert "no longer a candidate" in refused(check_prior_notice, active).message


def test_a_red_candidate_is_confirmed_only_after_public_notice_R3() -> None:
    assert "(R3)" in refused(check_confirm, entry(list=ListKind.RED), TODAY).message
    ended = entry(
        list=ListKind.RED, status=EntryStatus.PUBLIC_NOTICE, notice_until=TODAY - timedelta(days=1)
    )
    check_confirm(ended, TODAY)
    running = dataclasses.replace(ended, notice_until=TODAY)
    assert "runs until 2026-11-26" in refused(check_confirm, running, TODAY).message


def test_a_black_or_watch_candidate_may_be_confirmed_without_notice_R4_R5() -> None:
    check_confirm(entry(list=ListKind.BLACK), TODAY)
    check_confirm(entry(list=ListKind.WATCH), TODAY)


def test_a_natural_person_is_black_listed_only_after_prior_notice_R4() -> None:
    person = entry(subject_is_person=True)
    assert "prior notice first (R4)" in refused(check_confirm, person, TODAY).message
    check_confirm(dataclasses.replace(person, prior_notice_on=TODAY), TODAY)
    check_confirm(entry(list=ListKind.WATCH, subject_is_person=True), TODAY)


def test_only_a_candidate_within_its_validity_can_be_confirmed() -> None:
    for status in (EntryStatus.ACTIVE, EntryStatus.OBJECTED, EntryStatus.EXITED):
        assert "only a candidate" in refused(check_confirm, entry(status=status), TODAY).message
    lapsed = entry(valid_until=TODAY - timedelta(days=1))
    assert "validity ended" in refused(check_confirm, lapsed, TODAY).message


def test_objections_are_raised_against_entries_on_notice_or_in_force_R22() -> None:
    check_objection(entry(status=EntryStatus.PUBLIC_NOTICE))
    check_objection(entry(status=EntryStatus.ACTIVE))
    for status in (EntryStatus.PROPOSED, EntryStatus.OBJECTED, EntryStatus.EXITED):
        assert refused(check_objection, entry(status=status)).kind == "TransitionNotAllowed"


def test_repair_is_for_black_or_watch_entries_in_force_that_are_repairable_R21() -> None:
    active = entry(status=EntryStatus.ACTIVE)
    check_repair_application(active, TODAY)
    check_repair_application(dataclasses.replace(active, list=ListKind.WATCH), TODAY)
    red = dataclasses.replace(active, list=ListKind.RED)
    assert refused(check_repair_application, red, TODAY).kind == "TransitionNotAllowed"
    proposed = entry(status=EntryStatus.PROPOSED)
    assert refused(check_repair_application, proposed, TODAY).kind == "TransitionNotAllowed"
    serious = dataclasses.replace(active, repairable=False)
    refusal = refused(check_repair_application, serious, TODAY)
    assert (refusal.kind, refusal.details) == ("NotRepairable", {"entry_id": "E-1"})


def test_repair_is_refused_before_the_earliest_day_R21() -> None:
    later = entry(status=EntryStatus.ACTIVE, repair_earliest=TODAY + timedelta(days=1))
    refusal = refused(check_repair_application, later, TODAY)
    assert (refusal.kind, refusal.details) == (
        "TooEarlyForRepair",
        {"earliest": later.repair_earliest},
    )
    check_repair_application(dataclasses.replace(later, repair_earliest=TODAY), TODAY)


def test_each_list_has_the_exit_reasons_of_its_rule_R5_R7_R8() -> None:
    assert EXIT_REASONS[ListKind.RED] == {
        ExitReason.LISTED_IN_ERROR,
        ExitReason.BLACK_LISTED,
        ExitReason.WATCH_LISTED,
        ExitReason.MISUSED_REWARDS,
        ExitReason.EXPIRED,
        ExitReason.STANDARD_CHANGED,
    }
    assert EXIT_REASONS[ListKind.BLACK] == {
        ExitReason.LISTED_IN_ERROR,
        ExitReason.CREDIT_REPAIRED,
        ExitReason.EXPIRED,
        ExitReason.STANDARD_CHANGED,
    }
    assert ExitReason.TRANSFERRED_TO_BLACK in EXIT_REASONS[ListKind.WATCH]
    assert ExitReason.TRANSFERRED_TO_BLACK not in EXIT_REASONS[ListKind.BLACK]


def test_a_unit_declares_only_standard_changes_and_misused_rewards_R7b_R7d_R8d() -> None:
    live = entry(status=EntryStatus.ACTIVE)
    check_declared_exit(live, ExitReason.STANDARD_CHANGED)
    check_declared_exit(dataclasses.replace(live, list=ListKind.RED), ExitReason.MISUSED_REWARDS)
    # misused rewards is a red exit only (R7b); repair and errors follow other steps
    assert (
        "MISUSED_REWARDS" in refused(check_declared_exit, live, ExitReason.MISUSED_REWARDS).message
    )
    for reason in set(ExitReason) - DECLARED_EXITS:
        assert refused(check_declared_exit, live, reason).kind == "TransitionNotAllowed"


def test_a_declared_exit_needs_a_live_entry() -> None:
    for status in LIVE:
        check_declared_exit(entry(status=status), ExitReason.STANDARD_CHANGED)
    exited = entry(status=EntryStatus.EXITED)
    assert (
        "already exited"
        in refused(check_declared_exit, exited, ExitReason.STANDARD_CHANGED).message
    )


def test_every_black_exit_but_listed_in_error_is_followed_by_a_watch_entry_R8() -> None:
    for reason in EXIT_REASONS[ListKind.BLACK]:
        assert follows_with_watch(ListKind.BLACK, reason) == (reason != ExitReason.LISTED_IN_ERROR)
    for kind in (ListKind.RED, ListKind.WATCH):
        assert not any(follows_with_watch(kind, reason) for reason in EXIT_REASONS[kind])
