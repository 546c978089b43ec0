"""The catalogue fields that ``check`` and ``appointmentCheck`` read (docs/check.md): checked
when the file is read, like every other field (R16, R25, R11)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.catalogue import CATALOGUE_FILE, CatalogueInvalid, read_catalogue
from graph.vocabulary import RoleKind


def _file(tmp_path: Path, code: str, **fields: Any) -> Path:
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    for measure in raw["measures"]:
        if measure["code"] == code:
            measure.update(fields)
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_green_channel_and_tolerant_acceptance_follow_three_clean_years_R25() -> None:
    catalogue = read_catalogue(CATALOGUE_FILE)

    assert {m.code: m.clean_record_years for m in catalogue.measures if m.clean_record_years} == {
        "M-RED-GREEN-CHANNEL": 3,
        "M-RED-TOLERANT-ACCEPTANCE": 3,
    }


def test_the_officer_bans_bar_posts_R11() -> None:
    catalogue = read_catalogue(CATALOGUE_FILE)
    officers = (
        RoleKind.LEGAL_REPRESENTATIVE,
        RoleKind.DIRECTOR,
        RoleKind.SUPERVISOR,
        RoleKind.SENIOR_MANAGER,
    )

    assert {m.code: m.bars_appointment_as for m in catalogue.measures if m.bars_appointment_as} == {
        "M-BLK-NO-LEGAL-REPRESENTATIVE": (RoleKind.LEGAL_REPRESENTATIVE, RoleKind.PRINCIPAL),
        "M-BLK-CL178-OFFICER-BAN": officers,
        "M-BLK-JUDGMENT-DEBTOR-OFFICER-BAN": officers,
    }


@pytest.mark.parametrize(
    ("code", "fields", "problem"),
    [
        (
            "M-BLK-MARKET-BAN",
            {"clean_record_years": 3},
            "measure M-BLK-MARKET-BAN: clean_record_years: only a RED measure (an incentive) "
            "may have it",
        ),
        (
            "M-RED-GREEN-CHANNEL",
            {"clean_record_years": 0},
            "measure M-RED-GREEN-CHANNEL: clean_record_years: must be a positive whole number "
            "of years",
        ),
        (
            "M-BLK-MARKET-BAN",
            {"bars_appointment_as": ["CHAIRMAN"]},
            "measure M-BLK-MARKET-BAN: bars_appointment_as: unknown value 'CHAIRMAN' (expected "
            "one of LEGAL_REPRESENTATIVE, PRINCIPAL, DIRECTOR, SUPERVISOR, SENIOR_MANAGER, "
            "ACTUAL_CONTROLLER, DIRECTLY_RESPONSIBLE)",
        ),
    ],
)
def test_a_bad_check_field_names_the_measure_and_the_field(
    tmp_path: Path, code: str, fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(CatalogueInvalid) as caught:
        read_catalogue(_file(tmp_path, code, **fields))

    assert caught.value.problems == [problem]


def test_every_reach_but_the_subject_can_be_answered_as_reached_as() -> None:
    from strawberry.types.enum import has_enum_definition

    import schema.checks  # noqa: F401  (registers GraphQL's ReachKind on the graph's enum)
    from graph.vocabulary import ReachKind as Reach

    registered: object = Reach
    assert has_enum_definition(registered)
    answered = {value.name for value in registered.__strawberry_definition__.values}
    assert answered == {k.value for k in Reach if k is not Reach.SUBJECT}
