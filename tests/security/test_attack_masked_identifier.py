"""Attack class 3: a masked identity number can be reversed.

A mask must leave at least a million numbers given what the same role sees under the same
purpose (region, birth date or year, sex and check digit are information), and every look-up
by identifier that misses counts against the caller and raises an anomaly, whichever path
confirms the guess (R23).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from neo4j import Driver
from stdnum.cn import ric

from hub import clock
from hub.importing.run import import_file
from hub.policy.engine import Policy, parse_mask_rules, read_policy_texts
from hub.policy.lint import lint, mask_problems
from hub.policy.mask_strength import BIRTH_YEARS, candidates
from hub.policy.masking import parse_mask
from hub.services import schema_surface
from hub.settings import Settings
from schema.build import build_schema
from tests.support.hubtest import DATA, ZHANG_SAN, audit_events, hub_client

SURFACE = schema_surface(build_schema(introspection=True))
RULE = '"SHOW_FIRST_LAST(6,0)"'
ANOMALIES = "{ auditAnomalies { rule count detail } }"


def _texts(mask: str) -> dict[str, str]:
    texts = read_policy_texts()
    assert RULE in texts["masking.csv"]
    return {**texts, "masking.csv": texts["masking.csv"].replace(RULE, mask)}


@pytest.mark.parametrize(
    ("mask", "left"),
    [
        ('"SHOW_FIRST_LAST(6,4)"', "2,388"),  # the old mask: only the birth date hidden
        ('"SHOW_FIRST_LAST(3,4)"', "2,388"),  # a region prefix shared by one area code
        ('"SHOW_FIRST_LAST(6,2)"', "239,070"),  # the sex digit and the check digit shown
        ('"SHOW_FIRST_LAST(10,0)"', "365,000"),  # the birth year shown
        ('"SHOW_FIRST_LAST(14,0)"', "1,000"),
    ],
)
def test_the_lint_refuses_a_mask_that_leaves_fewer_than_a_million(mask: str, left: str) -> None:
    """Attack class 3: `credit-hub policy check` refuses the mask, naming the count, the role
    and every purpose under which the role sees it."""
    problems = [str(p) for p in lint(_texts(mask), SURFACE)]
    purposes = ("LICENSING", "PROCUREMENT", "REGISTRATION", "SUPERVISION")
    assert len(problems) == len(purposes)
    for problem, purpose in zip(problems, purposes, strict=True):
        assert f"leaves {left} identity numbers for agency_analyst under {purpose}" in problem
        assert "at least 1,000,000" in problem


@pytest.mark.parametrize(
    "mask", [RULE, '"SHOW_FIRST_LAST(6,1)"', '"SHOW_FIRST_LAST(0,1)"', "YEAR_ONLY", "MASK", "HASH"]
)
def test_the_lint_accepts_masks_that_hide_enough(mask: str) -> None:
    """Attack class 3: region only (26.3M), region and check digit (2.4M), ... pass."""
    assert lint(_texts(mask), SURFACE) == []


def test_what_other_fields_reveal_counts_against_the_mask() -> None:
    """Attack class 3: a field that shows the sex halves the count, one that shows the birth
    year takes the birth date away; the lint counts them for the role and purpose that sees
    them (Person.name stands in for such a field here)."""
    texts = _texts('"SHOW_FIRST_LAST(6,1)"')
    policy = Policy(texts, SURFACE)
    rules = parse_mask_rules(texts["masking.csv"])
    assert mask_problems(policy, rules, {"Person.name": frozenset({"sex"})}) == []
    problems = [
        str(p) for p in mask_problems(policy, rules, {"Person.name": frozenset({"birth_year"})})
    ]
    assert len(problems) == 4
    assert "leaves 33,181 identity numbers" in problems[0]  # 365 days x 1,000 / 11 (worst)
    assert "knowing birth_year" in problems[0]
    assert candidates(parse_mask(RULE.strip('"')), {"sex"}) == 13_149_000


def test_the_model_never_counts_more_than_a_brute_force_finds() -> None:
    """Attack class 3: the repro's 110105********002X: the numbers of the model's birth years
    that fit it, counted one by one, are at least the model's worst case."""
    fitting, day = 0, date(BIRTH_YEARS.start, 1, 1)
    while day.year < BIRTH_YEARS.stop:
        body = f"110105{day:%Y%m%d}002"
        fitting += ric.calc_check_digit(body + "0") == "X"
        day += timedelta(days=1)
    assert candidates(parse_mask("SHOW_FIRST_LAST(6,4)")) == 2388 <= fitting


@pytest.fixture
async def analyst_city(graph: Driver, settings: Settings) -> Settings:
    import_file(settings, DATA / "small_city.jsonl")
    return settings


def guesses(n: int) -> list[str]:
    """Numbers that fit the served mask 110105************ (not in the graph)."""
    out = []
    for i in range(n):
        body = f"110105{date(1960, 1, 1) + timedelta(days=i):%Y%m%d}00{i % 10}"
        out.append(body + ric.calc_check_digit(body + "0"))
    assert ZHANG_SAN not in out
    return out


async def test_the_served_mask_shows_the_region_only(analyst_city: Settings) -> None:
    """Attack class 3: an agency analyst under LICENSING sees 110105 and 12 stars."""
    async with hub_client(analyst_city) as client:
        answer = await client.ask('{ person(idNumber: "%s") { idNumber } }' % ZHANG_SAN)
    assert answer["data"]["person"]["idNumber"] == "110105************"


PATHS = {
    "person": '{ person(idNumber: "%s") { id } }',
    "check": '{ check(subject: {idNumber: "%s"}) { found } }',
    "checkMany": '{ checkMany(subjects: [{idNumber: "%s"}]) { found } }',
    "exposure": '{ exposure(subject: {idNumber: "%s"}, depth: 1) { found } }',
    "appointmentCheck": '{ appointmentCheck(subject: {idNumber: "%s"}, post: DIRECTOR) { found } }',
}


@pytest.mark.parametrize("path", sorted(PATHS))
async def test_every_path_that_confirms_a_guess_counts_its_misses(
    analyst_city: Settings, graph: Driver, path: str
) -> None:
    """Attack class 3: a miss and a hit through each path that takes an identity number are
    counted in the audit record (x_lookups, x_lookup_misses). _entities takes the opaque
    Person.id only, so it can not confirm an identity number."""
    wrong = guesses(1)[0]
    async with hub_client(analyst_city) as client:
        for number in (wrong, ZHANG_SAN):
            answer = await client.ask(PATHS[path] % number)
            assert "errors" not in answer, answer
    counted = [(r["x_lookups"], r["x_lookup_misses"]) for r in audit_events(graph)]
    assert counted == [(1, 1), (1, 0)]


async def test_guessing_behind_the_mask_raises_an_anomaly(
    analyst_city: Settings, graph: Driver
) -> None:
    """Attack class 3 (the repro): guesses that fit the mask, through aliases of person look-ups
    and a checkMany, are counted per user and day; over the threshold (a setting) they are one
    LOOKUP_MISSES flag."""
    limited = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": analyst_city.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(analyst_city.data_dir),
            "CREDIT_HUB_ANOMALY_LOOKUP_MISSES": "40",
        }
    )
    numbers = guesses(39)
    aliases = " ".join(f'p{i}: person(idNumber: "{n}") {{ id }}' for i, n in enumerate(numbers[:9]))
    batch = ", ".join(f'{{idNumber: "{n}"}}' for n in [*numbers[9:], ZHANG_SAN])
    async with hub_client(limited) as client:
        await client.ask("{ %s }" % aliases)
        await client.ask("{ checkMany(subjects: [%s]) { found } }" % batch)
        quiet = await client.ask(ANOMALIES, role="privacy_officer", purpose=None)
        await client.ask('{ person(idNumber: "%s") { id } }' % guesses(40)[-1])
        flagged = await client.ask(ANOMALIES, role="privacy_officer", purpose=None)
    assert [a for a in quiet["data"]["auditAnomalies"] if a["rule"] == "LOOKUP_MISSES"] == []
    misses = [a for a in flagged["data"]["auditAnomalies"] if a["rule"] == "LOOKUP_MISSES"]
    assert misses == [
        {
            "rule": "LOOKUP_MISSES",
            "count": 40,
            "detail": f"40 of 41 look-ups by identifier on {clock.today().isoformat()} found no "
            "subject",
        }
    ]


def test_the_miss_threshold_is_a_setting(tmp_path: Path) -> None:
    """Attack class 3: CREDIT_HUB_ANOMALY_LOOKUP_MISSES / _MISS_PERCENT, checked at start-up."""
    base = {"CREDIT_HUB_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).miss_rule.at_least == 100
    tuned = Settings.from_env({**base, "CREDIT_HUB_ANOMALY_MISS_PERCENT": "50"})
    assert tuned.miss_rule.percent == 50
    with pytest.raises(Exception, match="1-100"):
        Settings.from_env({**base, "CREDIT_HUB_ANOMALY_MISS_PERCENT": "101"})
