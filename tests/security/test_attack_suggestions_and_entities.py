"""Attack class 6 (weak spots), two of them:

* "Did you mean": schema members leak to non-admins through suggestions in every class of
  error message (unknown field, argument, input field in a literal or in variables, enum
  value in a literal or in variables, type names, directives); only admins get them (R23;
  introspection and suggestions are off for everyone else).
* ``_entities`` counts the cost of its selection once per representation: 2,000
  representations with a big selection are refused BAD_INPUT before anything is read.
"""

from __future__ import annotations

import pytest
from neo4j import Driver

from tests.support.hubtest import ACME, HubClient, audit_events, codes

CHECK = "query($s: SubjectInput!) { check(subject: $s) { verdict } }"
APPOINTMENT = (
    'query($p: RoleKind!) { appointmentCheck(subject: {uscc: "%s"}, post: $p) { __typename } }'
    % ACME
)
MISSPELT: list[tuple[str, str, dict[str, object] | None]] = [
    ("unknown field", '{ enterprise(uscc: "%s") { nam } }' % ACME, None),
    ("unknown argument", '{ enterprise(usc: "%s") { name } }' % ACME, None),
    ("input field in a literal", '{ check(subject: {usc: "%s"}) { verdict } }' % ACME, None),
    ("input field in variables", CHECK, {"s": {"usc": ACME}}),
    (
        "input field in a list",
        "query($s: [SubjectInput!]!) { checkMany(subjects: $s) { verdict } }",
        {"s": [{"usc": ACME}]},
    ),
    (
        "enum value in a literal",
        '{ appointmentCheck(subject: {uscc: "%s"}, post: DIRECTR) { __typename } }' % ACME,
        None,
    ),
    ("enum value in variables", APPOINTMENT, {"p": "DIRECTR"}),
    ("type name of a variable", "query($s: SubjectInpt!) { check(subject: $s) { verdict } }", None),
    ("type condition", "{ ...F } fragment F on Enterprse { name }", None),
    ("directive", "{ __typename @skp(if: true) }", None),
]


@pytest.mark.parametrize(("case", "query", "variables"), MISSPELT, ids=[m[0] for m in MISSPELT])
async def test_no_suggestion_reaches_a_non_admin_in_any_error(
    client: HubClient, case: str, query: str, variables: dict[str, object] | None
) -> None:
    # Attack class 6: "Did you mean" in input-field errors (and every other error class).
    for role, purpose in (
        ("agency_analyst", "LICENSING"),
        ("public", None),
        ("bank_officer", "LOAN_APPROVAL"),
    ):
        result = await client.ask(query, role=role, purpose=purpose, variables=variables)
        assert set(codes(result)) == {"BAD_INPUT"}, (case, role, result)
        assert not any("Did you mean" in e["message"] for e in result["errors"]), (case, result)


async def test_admins_still_get_suggestions(client: HubClient) -> None:
    result = await client.ask(CHECK, role="admin", purpose=None, variables={"s": {"usc": ACME}})
    assert "Did you mean 'uscc'?" in result["errors"][0]["message"]


async def test_the_input_field_message_keeps_what_follows_the_suggestion(client: HubClient) -> None:
    result = await client.ask(CHECK, variables={"s": {"usc": ACME}})
    assert result["errors"][0]["message"] == (
        "Variable '$s' has invalid value: Expected value of type 'SubjectInput' not to include "
        "unknown field 'usc'. Found: {'usc': '%s'}." % ACME
    )


ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Enterprise { uscc name roles { kind person { name } } } } }"""


async def test_two_thousand_representations_with_a_big_selection_are_refused_before_reading(
    client: HubClient, city: Driver
) -> None:
    # Attack class 6: _entities ignored the cost of the nested selection (2,000
    # representations, 9.4 MB, 10.2 s). Each representation costs 1 + its selection (33).
    representations = [{"__typename": "Enterprise", "uscc": ACME}] * 2000
    result = await client.ask(ENTITIES, variables={"r": representations})
    assert result["data"] is None
    assert codes(result) == ["BAD_INPUT"]
    assert result["errors"][0]["message"] == (
        "representations: 2000 representations with this selection cost 68000, beyond the "
        "limit of 5000"
    )
    record = audit_events(city)[-1]
    assert (record["decision"], record["x_round_trips"]) == ("BAD_INPUT", 0)


async def test_a_batch_within_the_cost_is_answered(client: HubClient) -> None:
    representations = [{"__typename": "Enterprise", "uscc": ACME}] * 100  # 100 x 34 = 3,400
    result = await client.ask(ENTITIES, variables={"r": representations})
    assert "errors" not in result, result
    assert len(result["data"]["_entities"]) == 100
    assert result["data"]["_entities"][0]["name"] == "某某科技有限公司"


async def test_the_selection_under_entities_counts_in_the_static_cost(
    client: HubClient, city: Driver
) -> None:
    # Attack class 6: what is selected under the _Entity union used to cost nothing.
    nested = "roles { person { roles { enterprise { roles { person { name } } } } } }"
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { %s } } }"
    result = await client.ask(
        query % nested, variables={"r": [{"__typename": "Enterprise", "uscc": ACME}]}
    )
    assert result["data"] is None
    assert [e["message"] for e in result["errors"]] == [
        "query cost 22211 exceeds the limit of 5000"
    ]
    assert audit_events(city)[-1]["x_round_trips"] == 0
