"""``credit-hub policy check``: the policy names only what exists, and the documented matrix is
the policy's own (R23: who may see what, reviewable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.policy.engine import Policy, read_policy_texts
from hub.policy.lint import lint, matrix, matrix_markdown
from hub.services import schema_surface
from schema.build import build_schema

ROOT = Path(__file__).resolve().parents[2]
SURFACE = schema_surface(build_schema(introspection=True))
MATRIX_ROLES = ("bank_officer", "agency_analyst", "privacy_officer", "public")


def test_the_shipped_policy_names_only_known_roles_purposes_and_fields() -> None:
    assert lint(read_policy_texts(), SURFACE) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("p, superuser, *, Query.person, query, *, allow", "unknown role 'superuser'"),
        (
            "p, agency_analyst, *, Person.salary, read, *, allow",
            "'Person.salary' matches no operation or field",
        ),
        ("p, agency_analyst, *, Person.name, read, GOSSIP, allow", "unknown purpose 'GOSSIP'"),
        ("p, agency_analyst, *, Person.name, read, *, maybe", "effect must be allow or deny"),
    ],
)
def test_lint_names_the_bad_rule(row: str, message: str) -> None:
    texts = read_policy_texts()
    texts["policy.csv"] += "\n" + row + "\n"
    problems = [str(p) for p in lint(texts, SURFACE)]
    assert len(problems) == 1
    assert message in problems[0]


def test_lint_checks_masking_rules_too() -> None:
    texts = read_policy_texts()
    texts["masking.csv"] += "\nbank_officer, *, Person.shoeSize, MASK\n"
    problems = [str(p) for p in lint(texts, SURFACE)]
    assert len(problems) == 1
    assert problems[0].endswith("unknown field 'Person.shoeSize'")


def test_the_documented_matrix_is_the_policys_own() -> None:
    policy = Policy(read_policy_texts(), SURFACE)
    documented = (ROOT / "docs" / "policy-matrix.md").read_text(encoding="utf-8")
    assert documented == matrix_markdown(policy, SURFACE), (
        "docs/policy-matrix.md is stale: run `credit-hub policy check --write-docs`"
    )


def test_the_matrix_says_exactly_how_each_role_sees_identity_numbers() -> None:
    table = matrix(Policy(read_policy_texts(), SURFACE), SURFACE, roles=MATRIX_ROLES)
    bank = table["bank_officer"]["Person.idNumber"]
    analyst = table["agency_analyst"]["Person.idNumber"]
    assert all(v == "denied" for v in bank.values())  # a bank sees no person, ever
    assert analyst["LICENSING"] == "masked SHOW_FIRST_LAST(6,0)"
    assert analyst["ENFORCEMENT"] == "clear"
    assert table["privacy_officer"]["Person.idNumber"]["ACCESS_AUDIT"] == "denied"
    assert all(v == "denied" for v in table["public"]["Person.idNumber"].values())


def test_a_banks_purposes_allow_check_and_check_many_only_for_list_status_and_measures() -> None:
    """DESIGN.md roles: scoped checks only, answers limited to list status and measures; no
    browsing, no graph (issue 5: a bank's purposes allow check/checkMany only)."""
    policy = Policy(read_policy_texts(), SURFACE)
    queries = {op for op in SURFACE.operations if op.startswith("Query.")}
    for purpose in (
        "LOAN_APPROVAL",
        "CREDIT_CARD_APPROVAL",
        "GUARANTEE_REVIEW",
        "POST_LOAN_MANAGEMENT",
    ):
        decisions = policy.decisions(("bank_officer",), "U-BANK", purpose)
        assert {op for op in queries if decisions.may(op)} == {"Query.check", "Query.checkMany"}
        visible = {f.split(".")[0] for f in SURFACE.fields if decisions.field(f).allowed}
        assert visible == {"CheckResult", "AppliedMeasure", "Incentive", "Feedback"}
        assert not decisions.field("AppliedMeasure.path").allowed
        assert not decisions.field("AppliedMeasure.reachedAs").allowed
    for purpose in ("LICENSING", "ENFORCEMENT", None):
        decisions = policy.decisions(("bank_officer",), "U-BANK", purpose)
        assert not any(decisions.may(op) for op in SURFACE.operations)
