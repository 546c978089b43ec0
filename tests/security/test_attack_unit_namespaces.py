"""Attack class 2: a unit named like a policy keyword (``OWNER``, ``*``, a role, a purpose or
purpose group, ``SELF``) acts on every unit's entries, and a token of a unit the platform does
not know is served (issue 12; DESIGN.md "谁认定、谁负责", R1).

Held by three layers, each tested here on its own:

* the namespace (hub.policy ``unit_term``): Casbin only ever sees ``unit:<code>``, so no unit,
  whatever it is called, decides like a keyword;
* the grammar (hub.unit_codes): ``U-`` then upper-case ASCII letters and digits in groups, at
  most 64 characters, refused by ``registerUnit``, the import (and the court feed through it),
  ``credit-hub token`` and the token verifier;
* the known units (hub.known_units): a token of a unit the graph has no ``:Unit`` for is
  UNAUTHENTICATED and audited; a unit registered anywhere is accepted within 2 s, and the check
  costs no round trip per request.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from neo4j import Driver

from graph.driver import open_async_driver
from graph.reader import GraphReader
from hub.auth.known_units import UNKNOWN_SECONDS, KnownUnits
from hub.errors import BadInput, ImportRejected
from hub.exchange.court_feed import import_court_feed
from hub.importing.run import import_file
from hub.keys.signing import PRIVATE_KEY_FILE, ensure_dev_signing_key, mint_token
from hub.policy.engine import Policy, read_policy_texts
from hub.policy.lint import lint
from hub.policy.roles import PURPOSES, ROLES
from hub.services import schema_surface
from hub.settings import Settings
from hub.validation.unit_codes import is_imported_unit_code, is_unit_code
from schema.build import build_schema
from tests.support.audittest import Cli
from tests.support.hubtest import HubClient, audit_events, codes

SURFACE = schema_surface(build_schema(introspection=True))
POLICY = Policy(read_policy_texts(), SURFACE)
GROUPS = sorted({group for groups in POLICY.purpose_groups.values() for group in groups})
TAX_ENTRY = "E-2021-0001"  # a BLACK entry U-TAX identified (tests/data/small_city.jsonl)
OWNER_ONLY = (
    "Mutation.exitEntry",
    "Mutation.confirmEntry",
    "Mutation.decideObjection",
    "Query.entryHistory",
    "Query.entryStatusAt",
    "Query.entryFeedback",
)
KEYWORDS = ["OWNER", "*", "NONE", "SELF", "PLATFORM", *ROLES, *PURPOSES, *GROUPS]
LOOK_ALIKES = [
    "owner",
    "Owner",
    "OWNER ",
    " OWNER",
    "OWNER\n",
    "\tOWNER",
    "ＯＷＮＥＲ",  # full-width
    "OWNЕR",  # Cyrillic Е
    "OWNER\u200b",  # zero-width space
    "unit:OWNER",
    "u-tax",
    "U-tax",
    " U-TAX",
    "U-TAX ",
    "U-TAX\n",
    "U-TAX\x00",
    "U‐TAX",  # U+2010 hyphen
    "Ｕ-TAX",
    "U-ТАХ",  # Cyrillic Т, А, Х
    "U-TA\u0301X",
    "U-",
    "U--TAX",
    "U-TAX-",
    "U_TAX",
    "U.TAX",
    "U-TAX*",
    "U-" + "A" * 63,
    "",
]
BAD_CODES = [*KEYWORDS, *LOOK_ALIKES]
EXIT = """mutation($i: ExitInput!) { exitEntry(input: $i) { __typename
  ... on EntryTransitioned { entry { id status } } } }"""
HISTORY = "query($id: ID!) { entryHistory(id: $id) { entry { id status } } }"
REGISTER = "mutation($u: UnitInput!) { registerUnit(unit: $u) { created unit { code } } }"


def signed(settings: Settings, role: str, unit: str) -> str:
    """A token signed with the platform's own key, carrying any unit at all: what a careless
    or compromised identity provider could issue (mint_token refuses to)."""
    ensure_dev_signing_key(settings.keys_dir)
    key = serialization.load_pem_private_key(
        (settings.keys_dir / PRIVATE_KEY_FILE).read_bytes(), password=None
    )
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": f"{role}-attacker",
        "roles": [role],
        "unit": unit,
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm="EdDSA")  # type: ignore[arg-type]


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def units(graph: Driver) -> list[str]:
    records, _, _ = graph.execute_query(
        "MATCH (u:Unit) RETURN u.code AS code ORDER BY code", database_="neo4j"
    )
    return [record["code"] for record in records]


def entry_status(graph: Driver, entry_id: str) -> str:
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry {id: $id}) RETURN l.status AS status", id=entry_id, database_="neo4j"
    )
    status: str = records[0]["status"]
    return status


# --- the namespace: the policy can not confuse a unit with a keyword -------------------------


# The policy's unit keywords, and one of every other kind of word it uses (each decision set
# costs a Casbin question per coordinate of the schema).
POLICY_WORDS = ["OWNER", "*", "NONE", "SELF", "identifying_officer", "LICENSING", "BANK_PURPOSE"]


@pytest.mark.parametrize("unit", POLICY_WORDS)
def test_a_unit_named_like_a_keyword_decides_like_any_unit_no_rule_names(unit: str) -> None:
    """Attack class 2: whatever a unit is called, the policy sees ``unit:<it>`` and decides for
    it exactly what it decides for a unit no rule names; it owns nothing it did not identify."""
    for role in ("identifying_officer", "public"):
        for purpose in (None, "LICENSING"):
            named = POLICY.decisions((role,), unit, purpose)
            plain = POLICY.decisions((role,), "U-ANY", purpose)
            assert (named.operations, named.own_operations) == (
                plain.operations,
                plain.own_operations,
            )
            assert named.fields == plain.fields
    officer = POLICY.decisions(("identifying_officer",), unit, None)
    for operation in OWNER_ONLY:
        assert operation not in officer.operations
        assert not officer.may_act_on(operation, "U-TAX", unit)
        assert officer.may_act_on(operation, unit, unit)  # its own entries only


def test_the_policy_lint_refuses_a_unit_outside_the_namespace() -> None:
    """Attack class 2: a rule's unit is ``*``, ``OWNER`` or ``unit:<code>``; a bare code (which
    would never match) or a keyword in the namespace is a lint error; ``g`` domains likewise."""
    texts = read_policy_texts()
    rows = [
        "p, agency_analyst, U-TAX, Query.person, query, *, allow",
        "p, agency_analyst, OWNR, Query.person, query, *, allow",
        "p, agency_analyst, unit:OWNER, Query.person, query, *, allow",
        "p, agency_analyst, unit:u-tax, Query.person, query, *, allow",
        "p, agency_analyst, unit:U-TAX, Query.person, query, *, allow",
        "g, public, agency_analyst, OWNER",
        "g, public, agency_analyst, unit:U-TAX",
    ]
    extended = {**texts, "policy.csv": texts["policy.csv"] + "\n".join(rows) + "\n"}
    problems = [str(p) for p in lint(extended, SURFACE)]
    assert [p.split(": ")[1] for p in problems] == [
        "unit 'U-TAX'",
        "unit 'OWNR'",
        "unit 'unit:OWNER'",
        "unit 'unit:u-tax'",
        "unit 'OWNER'",  # a g domain is "*" or one unit
    ]  # the two rules in the namespace pass


def test_a_rule_for_one_unit_applies_to_that_unit_only() -> None:
    """Attack class 2: the namespace still lets a rule name one unit (``unit:U-TAX``)."""
    texts = read_policy_texts()
    rule = "p, public, unit:U-TAX, Query.person, query, *, allow\n"
    policy = Policy({**texts, "policy.csv": texts["policy.csv"] + rule}, SURFACE)
    assert policy.decisions(("public",), "U-TAX", None).may("Query.person")
    for other in ("U-MARKET", "unit:U-TAX", "OWNER", "*"):
        assert not policy.decisions(("public",), other, None).may("Query.person")
    assert policy.rule_terms[0] == frozenset({"U-TAX"})


# --- the grammar: refused wherever a unit is named --------------------------------------------


@pytest.mark.parametrize("code", BAD_CODES)
def test_the_unit_code_grammar_refuses_keywords_and_look_alikes(code: str) -> None:
    """Attack class 2: no keyword, case variant, space, control or look-alike is a unit code."""
    assert not is_unit_code(code)
    assert not is_imported_unit_code(code)


@pytest.mark.parametrize(
    "code", ["U-TAX", "U-COURT-QINGXIU", "U-BANK-ICBC", "U-X", "U-2026", "U-" + "A" * 62]
)
def test_the_codes_the_platform_uses_are_unit_codes(code: str) -> None:
    assert is_unit_code(code)
    assert is_imported_unit_code(code)
    assert is_imported_unit_code(f"CITY-A.{code}")  # another platform's unit (R18)
    assert not is_unit_code(f"CITY-A.{code}")  # ... which no token may carry


@pytest.mark.parametrize("code", ["OWNER", "*", "owner", "U-TAX ", "Ｕ-TAX", "SELF", "LICENSING"])
async def test_register_unit_refuses_a_keyword_or_malformed_code(
    client: HubClient, graph: Driver, code: str
) -> None:
    """Attack class 2: ``registerUnit`` answers BAD_INPUT naming ``unit.code``; nothing written."""
    before = units(graph)
    result = await client.ask(
        REGISTER,
        role="admin",
        purpose=None,
        variables={"u": {"code": code, "name": "x", "kind": "AGENCY"}},
    )
    assert codes(result) == ["BAD_INPUT"]
    assert result["errors"][0]["message"].startswith("unit.code: must be a unit code")
    assert units(graph) == before


@pytest.mark.parametrize("code", ["OWNER", "*", "Owner", "U-TAX\t", "U‐TAX", "BANK_PURPOSE"])
def test_an_import_naming_a_keyword_unit_is_rejected_whole(
    graph: Driver, settings: Settings, tmp_path: Path, code: str
) -> None:
    """Attack class 2: a unit line and an entry line naming the unit are both refused, with
    their line and field; the import writes nothing (all or nothing)."""
    lines = [
        {"type": "unit", "code": code, "name": "x", "kind": "AGENCY"},
        {"type": "enterprise", "uscc": "91110000600037341L", "name": "某某科技有限公司"},
        {
            "type": "entry",
            "id": "E-X-1",
            "list": "BLACK",
            "subject": {"uscc": "91110000600037341L"},
            "unit": code,
            "domain": "TAX",
            "basis": 2,
            "identified_on": "2021-09-01",
            "valid_until": "2030-09-01",
            "status": "ACTIVE",
            "repairable": True,
        },
    ]
    path = tmp_path / "units.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    with pytest.raises(ImportRejected) as rejected:
        import_file(settings, path)
    # the unit-code grammar, or for a control character the input bounds, refuse both lines
    problems = [
        p
        for p in rejected.value.problems
        if "must be a unit code" in p or "control or invisible characters" in p
    ]
    assert [p.split(":")[0:2] for p in problems] == [["line 1", " code"], ["line 3", " unit"]]
    assert units(graph) == []


def test_a_court_feed_naming_a_keyword_court_is_rejected(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    """Attack class 2: the court feed becomes import lines, so its courts obey the grammar."""
    lines = [
        {"type": "court", "code": "OWNER", "name": "某法院"},
        {
            "type": "case",
            "case_number": "(2026)桂0103执1号",
            "court": "OWNER",
            "subject": {"uscc": "91110000600037341L"},
            "basis_document": "判决书",
            "obligations": "付款",
            "performance": "NOT_PERFORMED",
            "listed_on": "2026-01-05",
        },
    ]
    path = tmp_path / "court.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    with pytest.raises(ImportRejected) as rejected:
        import_court_feed(settings, path)
    assert any("must be a unit code" in p for p in rejected.value.problems)
    assert units(graph) == []


@pytest.mark.parametrize("code", ["OWNER", "*", "owner", "U-TAX ", "U-ТАХ", "SELF"])
def test_no_token_is_minted_for_a_keyword_unit(settings: Settings, cli: Cli, code: str) -> None:
    """Attack class 2: ``mint_token`` and ``credit-hub token`` refuse what the hub would."""
    with pytest.raises(BadInput, match="unit"):
        mint_token(
            settings.keys_dir,
            roles=["identifying_officer"],
            unit=code,
            subject="x",
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=60,
        )
    status, out = cli("token", "--role", "identifying_officer", "--unit", code)
    assert (status, out) == (1, [])
    assert "must be a unit code" in cli.err or "SELF" in cli.err


# --- the token: verified, then its unit is known or it is refused -----------------------------


@pytest.mark.parametrize("unit", ["OWNER", "*", "owner", "OWNER ", "ＯＷＮＥＲ", "U-TAX ", "SELF"])
async def test_an_owner_unit_officer_neither_reads_nor_exits_another_units_entry(
    client: HubClient, graph: Driver, settings: Settings, unit: str
) -> None:
    """Attack class 2, the reported case: an identifying officer of unit ``OWNER`` (a token
    signed by the platform's own key) read U-TAX's history and exited U-TAX's entry. Now the
    token is UNAUTHENTICATED before anything is read, even if the graph has such a unit (left
    over from before the grammar), and each refusal is audited."""
    graph.execute_query("MERGE (:Unit {code: $code, kind: 'AGENCY'})", code=unit, database_="neo4j")
    headers = bearer(signed(settings, "identifying_officer", unit))
    read = await client.post(HISTORY, variables={"id": TAX_ENTRY}, headers=headers, purpose=None)
    exit_ = await client.post(
        EXIT,
        variables={"i": {"entryId": TAX_ENTRY, "reason": "STANDARD_CHANGED"}},
        headers=headers,
        purpose=None,
    )
    for response in (read, exit_):
        assert response.status_code == 401
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
        assert "data" not in response.json()
    assert entry_status(graph, TAX_ENTRY) == "ACTIVE"
    assert [e["decision"] for e in audit_events(graph)] == ["UNAUTHENTICATED"] * 2


@pytest.mark.parametrize(
    ("role", "unit"),
    [("agency_analyst", "SELF"), ("data_subject", "U-TAX"), ("public", "SELF")],
)
async def test_self_is_the_data_subjects_unit_and_nobody_elses(
    client: HubClient, graph: Driver, settings: Settings, role: str, unit: str
) -> None:
    """Attack class 2: ``SELF`` (self-service tokens) is no unit for any other role, and a data
    subject's token names no unit of the platform."""
    response = await client.post(
        "{ __typename }", headers=bearer(signed(settings, role, unit)), purpose=None
    )
    assert response.status_code == 401
    assert "SELF" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("role", ["agency_analyst", "identifying_officer", "public"])
async def test_a_token_of_a_unit_the_platform_does_not_know_is_refused_and_audited(
    client: HubClient, graph: Driver, settings: Settings, role: str
) -> None:
    """Attack class 2: a well-formed unit code with no ``:Unit`` in the graph is refused
    (UNAUTHENTICATED, 401) before any data is read; the audit record names the claimed unit."""
    response = await client.post(
        '{ enterprise(uscc: "91110000600037341L") { name } }',
        headers=bearer(signed(settings, role, "U-NOWHERE")),
        purpose=None,
    )
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "message": "invalid token: unit U-NOWHERE is not a unit of the platform",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
    [event] = audit_events(graph)
    assert (event["decision"], event["unit"], event["roles"]) == (
        "UNAUTHENTICATED",
        "U-NOWHERE",
        [role],
    )
    assert "U-NOWHERE" not in units(graph)


async def test_a_unit_registered_elsewhere_is_accepted_at_its_first_request(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    """Attack class 2: the hub is stateless; a unit another process registered is looked up
    on its first token, not refused until a cache expires."""
    await client.ask("{ __typename }")  # this process has read the units it knows
    graph.execute_query(
        "CREATE (:Unit {code: 'U-NEW', name: '新单位', kind: 'AGENCY'})", database_="neo4j"
    )
    headers = bearer(signed(settings, "agency_analyst", "U-NEW"))
    result = await client.ask("{ __typename }", headers=headers, purpose="LICENSING")
    assert result == {"data": {"__typename": "Query"}}


async def test_known_units_cost_no_round_trip_and_new_ones_are_accepted_within_two_seconds(
    graph: Driver, settings: Settings
) -> None:
    """Attack class 2: the check is a dictionary look-up on the hot path (one read per 60 s);
    an unknown unit costs one look-up per 2 s; a unit registered meanwhile is accepted as soon
    as that expires (clock moved by hand, no sleep)."""
    graph.execute_query("CREATE (:Unit {code: 'U-TAX'})", database_="neo4j")
    now = [1000.0]
    driver = open_async_driver(settings)
    try:
        reader = GraphReader(driver, settings.neo4j_database)
        known = KnownUnits(reader, clock=lambda: now[0])
        assert await known.knows("U-TAX")
        first = reader.round_trips
        for _ in range(1000):
            assert await known.knows("U-TAX")
        assert reader.round_trips == first == 1

        assert not await known.knows("U-LATE")
        graph.execute_query("CREATE (:Unit {code: 'U-LATE'})", database_="neo4j")
        for _ in range(100):
            assert not await known.knows("U-LATE")  # remembered as unknown for 2 s
        assert reader.round_trips == 2
        now[0] += UNKNOWN_SECONDS + 0.01
        assert await known.knows("U-LATE")
        assert reader.round_trips == 3
        now[0] += 61
        graph.execute_query("MATCH (u:Unit {code: 'U-LATE'}) DELETE u", database_="neo4j")
        assert not await known.knows("U-LATE")  # a unit removed is refused after 60 s
    finally:
        await driver.close()
