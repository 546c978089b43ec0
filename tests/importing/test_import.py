"""The all-or-nothing import (API.md "Import file", docs/import.md), against the real Neo4j."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from neo4j.time import Date

from graph.dump import GraphDump, dump_graph
from hub.errors import ImportRejected
from hub.importing.rows import ID_NUMBER_FIELD
from hub.importing.run import import_file
from hub.keys.crypto import FieldCipher, Sealed, load_keyring
from hub.settings import Settings

ZHANG_SAN = "11010519491231002X"
LI_SI = "110105198001010016"
ACME = "91110000600037341L"
OTHER = "91450100MA5K00010C"

# The example of API.md, verbatim.
API_EXAMPLE = """\
{"type":"unit","code":"U-TAX","name":"市税务局","kind":"AGENCY"}
{"type":"enterprise","uscc":"91110000600037341L","name":"某某科技有限公司","registered_on":"2015-03-02"}
{"type":"person","id_number":"11010519491231002X","name":"张三"}
{"type":"role","person":"11010519491231002X","enterprise":"91110000600037341L","role":"LEGAL_REPRESENTATIVE","from":"2018-01-01","to":"2022-06-30"}
{"type":"shareholding","holder":{"id_number":"11010519491231002X"},"enterprise":"91110000600037341L","percent":35.0,"from":"2018-01-01","to":null}
{"type":"entry","id":"E-2021-0001","list":"BLACK","subject":{"uscc":"91110000600037341L"},"unit":"U-TAX","domain":"TAX","basis":2,"act_date":"2021-05-10","identified_on":"2021-09-01","valid_until":"2030-09-01","status":"ACTIVE","repairable":true}
"""


def _file(tmp_path: Path, text: str, name: str = "import.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _lines(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def _rejected(settings: Settings, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_file(settings, path)
    return caught.value.problems


def _dump(graph: Driver) -> GraphDump:
    return dump_graph(graph, "neo4j")


def _nodes(dump: GraphDump, label: str) -> list[dict[str, Any]]:
    return [n.properties for n in dump.nodes.values() if label in n.labels]


def _relationships(dump: GraphDump, kind: str) -> list[dict[str, Any]]:
    return [r.properties for r in dump.relationships.values() if r.type == kind]


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "entry",
        "id": "E-2021-0002",
        "list": "BLACK",
        "subject": {"uscc": ACME},
        "unit": "U-TAX",
        "domain": "TAX",
        "basis": 2,
        "act_date": "2021-05-10",
        "identified_on": "2021-09-01",
        "valid_until": "2030-09-01",
        "status": "ACTIVE",
        "repairable": True,
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not ...}


def test_the_api_example_imports_every_record_into_the_model(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    path = _file(tmp_path, API_EXAMPLE)
    summary = import_file(settings, path)

    assert [(c.records, c.created) for c in vars(summary).values()] == [(1, 1)] * 6
    dump = _dump(graph)
    assert _nodes(dump, "Unit") == [{"code": "U-TAX", "name": "市税务局", "kind": "AGENCY"}]
    assert _nodes(dump, "Enterprise") == [
        {"uscc": ACME, "name": "某某科技有限公司", "registered_on": Date(2015, 3, 2)}
    ]
    [person] = _nodes(dump, "Person")
    assert re.fullmatch(r"P[0-9a-f]{24}", person["id"])
    assert person["name"] == "张三"
    assert _relationships(dump, "HOLDS_ROLE") == [
        {"kind": "LEGAL_REPRESENTATIVE", "from": Date(2018, 1, 1), "to": Date(2022, 6, 30)}
    ]
    assert _relationships(dump, "HOLDS_SHARES") == [{"percent": 35.0, "from": Date(2018, 1, 1)}]
    [entry] = _nodes(dump, "ListEntry")
    received_at = entry.pop("source_received_at")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", received_at)
    assert entry == {
        "id": "E-2021-0001",
        "list": "BLACK",
        "status": "ACTIVE",
        "domain": "TAX",
        "basis": 2,
        "act_date": Date(2021, 5, 10),
        "identified_on": Date(2021, 9, 1),
        "valid_until": Date(2030, 9, 1),
        "repairable": True,
        # where it came from: this file, sent by the unit that identified it
        "source_feed": "IMPORT",
        "source_batch": "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest(),
        "source_unit": "U-TAX",
    }
    assert len(_relationships(dump, "CONCERNS")) == len(_relationships(dump, "IDENTIFIED_BY")) == 1


def test_reimporting_the_same_file_changes_nothing(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    path = _file(tmp_path, API_EXAMPLE)
    import_file(settings, path)
    before = _dump(graph)

    summary = import_file(settings, path)

    assert _dump(graph) == before
    assert all(c.created == 0 and c.existing == 1 for c in vars(summary).values())


def test_identity_numbers_are_stored_only_sealed_and_blind_indexed(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _file(tmp_path, API_EXAMPLE))

    dump = _dump(graph)
    everything = [n.properties for n in dump.nodes.values()] + [
        r.properties for r in dump.relationships.values()
    ]
    for properties in everything:
        for value in properties.values():
            assert ZHANG_SAN not in str(value)
            assert ZHANG_SAN[:17] not in str(value)
    [person] = _nodes(dump, "Person")
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    sealed = Sealed(person["id_number_ct"], person["id_number_kid"])
    assert cipher.open(ID_NUMBER_FIELD, sealed) == ZHANG_SAN
    assert person["id_number_bidx"] == cipher.blind_index(ID_NUMBER_FIELD, ZHANG_SAN)


BAD_LINES = [
    pytest.param(
        {"type": "enterprise", "uscc": "91110000600037341M", "name": "乙公司"},
        "line 7: uscc: fails the GB 32100 check digit",
        id="uscc-check-digit",
    ),
    pytest.param(
        {"type": "enterprise", "uscc": "9111000060003734", "name": "乙公司"},
        "line 7: uscc: must be 18 characters (GB 32100)",
        id="uscc-length",
    ),
    pytest.param(
        {"type": "enterprise", "uscc": "91110000600037341l", "name": "乙公司"},
        "line 7: uscc: must be written as 18 upper-case characters without spaces (GB 32100)",
        id="uscc-lower-case",
    ),
    pytest.param(
        {"type": "person", "id_number": "110105198001010017", "name": "李四"},
        "line 7: id_number: fails the GB 11643 check digit",
        id="id-number-check-digit",
    ),
    pytest.param(
        {"type": "person", "id_number": "110105198002300015", "name": "李四"},
        "line 7: id_number: has an impossible birth date (GB 11643)",
        id="id-number-birth-date",
    ),
    pytest.param(
        {"type": "person", "id_number": "110111198001010013", "name": "李四"},
        "line 7: id_number: has an unknown administrative division code for its birth year "
        "(GB 11643)",
        id="id-number-division-not-yet-created",
    ),
    pytest.param(  # stdnum 2.2 raises KeyError, not a ValidationError, for this code
        {"type": "person", "id_number": "110001198001010015", "name": "李四"},
        "line 7: id_number: has an unknown administrative division code for its birth year "
        "(GB 11643)",
        id="id-number-division-without-county",
    ),
    pytest.param(
        {"type": "person", "id_number": LI_SI},
        "line 7: name: is required",
        id="missing-name",
    ),
    pytest.param(
        {"type": "company", "uscc": OTHER},
        "line 7: type: must be one of unit, enterprise, person, role, shareholding, entry",
        id="unknown-type",
    ),
    pytest.param(
        {"type": "unit", "code": "U-X", "name": "某局", "kind": "MINISTRY"},
        "line 7: kind: must be one of AGENCY, COURT, FINANCIAL, ASSOCIATION, PUBLIC_SERVICE, "
        "PLATFORM",
        id="unit-kind",
    ),
    pytest.param(
        {"type": "unit", "code": "U-X", "name": "某局", "kind": "AGENCY", "colour": "red"},
        "line 7: colour: unknown field",
        id="unknown-field",
    ),
    pytest.param(
        {
            "type": "role",
            "person": ZHANG_SAN,
            "enterprise": ACME,
            "role": "CEO",
            "from": "2019-01-01",
        },
        "line 7: role: must be one of LEGAL_REPRESENTATIVE, PRINCIPAL, DIRECTOR, SUPERVISOR, "
        "SENIOR_MANAGER, ACTUAL_CONTROLLER, DIRECTLY_RESPONSIBLE",
        id="role-kind",
    ),
    pytest.param(
        {
            "type": "role",
            "person": ZHANG_SAN,
            "enterprise": ACME,
            "role": "DIRECTOR",
            "from": "2019/01/01",
        },
        "line 7: from: must be a date written YYYY-MM-DD",
        id="date-format",
    ),
    pytest.param(
        {
            "type": "role",
            "person": ZHANG_SAN,
            "enterprise": ACME,
            "role": "DIRECTOR",
            "from": "2019-02-30",
        },
        "line 7: from: is not a calendar date",
        id="calendar-date",
    ),
    pytest.param(
        {
            "type": "role",
            "person": ZHANG_SAN,
            "enterprise": ACME,
            "role": "DIRECTOR",
            "from": "2019-01-01",
            "to": "2018-12-31",
        },
        "line 7: to: must not be before from",
        id="role-ends-before-it-starts",
    ),
    pytest.param(
        {
            "type": "shareholding",
            "holder": {"uscc": OTHER},
            "enterprise": ACME,
            "percent": 0,
            "from": "2019-01-01",
        },
        "line 7: percent: must be a number greater than 0 and at most 100",
        id="percent-zero",
    ),
    pytest.param(
        {
            "type": "shareholding",
            "holder": {"id_number": ZHANG_SAN},
            "enterprise": ACME,
            "percent": 100.5,
            "from": "2019-01-01",
        },
        "line 7: percent: must be a number greater than 0 and at most 100",
        id="percent-over-100",
    ),
    pytest.param(
        {
            "type": "shareholding",
            "holder": {},
            "enterprise": ACME,
            "percent": 5,
            "from": "2019-01-01",
        },
        "line 7: holder: must hold exactly one of uscc, id_number",
        id="holder-empty",
    ),
    pytest.param(
        _entry(subject={"uscc": ACME, "id_number": ZHANG_SAN}),
        "line 7: subject: must hold exactly one of uscc, id_number",
        id="subject-both",
    ),
    pytest.param(
        _entry(list="GREY"),
        "line 7: list: must be one of RED, BLACK, WATCH",
        id="list-kind",
    ),
    pytest.param(
        _entry(status="DELETED"),
        "line 7: status: must be one of PROPOSED, PUBLIC_NOTICE, ACTIVE, OBJECTED, EXITED",
        id="status",
    ),
    pytest.param(
        _entry(basis=6),
        "line 7: basis: must be a basis category from 1 to 5 (R2)",
        id="basis-R2",
    ),
    pytest.param(
        _entry(valid_until="2021-08-31"),
        "line 7: valid_until: must not be before identified_on",
        id="valid-until-before-identified",
    ),
    pytest.param(
        _entry(act_date="2021-09-02"),
        "line 7: act_date: must not be after identified_on",
        id="act-after-identified",
    ),
    pytest.param(
        _entry(repairable=...),
        "line 7: repairable: is required",
        id="black-entry-says-if-repairable-R21",
    ),
    pytest.param(
        _entry(repairable=False, repair_method="补缴税款"),
        "line 7: repair_method: only a repairable entry says how or when it may be repaired (R21)",
        id="repair-method-of-unrepairable-R21",
    ),
    pytest.param(
        _entry(exit_reason="EXPIRED"),
        "line 7: exit_reason: only an EXITED entry has one",
        id="exit-reason-of-active",
    ),
    pytest.param(
        _entry(status="EXITED", exit_reason="MISUSED_REWARDS", exited_on="2022-01-01"),
        "line 7: exit_reason: a BLACK entry exits only as CREDIT_REPAIRED, EXPIRED, "
        "LISTED_IN_ERROR, STANDARD_CHANGED (R7, R8)",
        id="black-exit-reason-R8",
    ),
    pytest.param(
        _entry(domain="tax"),
        "line 7: domain: must be an upper-case domain code like TAX or FOOD_SAFETY",
        id="domain",
    ),
    pytest.param(
        _entry(id="E-2021-0001"),
        "line 7: id: E-2021-0001 is already on line 6",
        id="duplicate-entry",
    ),
    pytest.param(
        {"type": "person", "id_number": ZHANG_SAN, "name": "张三"},
        "line 7: id_number: the same person is already on line 3",
        id="duplicate-person",
    ),
    pytest.param(
        _entry(unit="U-NOWHERE"),
        "line 7: unit: U-NOWHERE is neither in the file nor in the graph",
        id="unknown-unit",
    ),
    pytest.param(
        _entry(subject={"id_number": LI_SI}),
        "line 7: subject.id_number: no person with this identity number is in the file or the "
        "graph",
        id="unknown-person",
    ),
    pytest.param(
        _entry(list="RED", repairable=..., domain="COMMENDATION", basis=4),
        "line 7: subject: is black-listed by ACTIVE entry E-2021-0001; a black-listed subject can "
        "not be on a RED list (R3)",
        id="red-entry-of-black-listed-subject-R3",
    ),
]


@pytest.mark.parametrize(("bad", "problem"), BAD_LINES)
def test_one_bad_line_rejects_the_whole_file_and_changes_nothing(
    graph: Driver, settings: Settings, tmp_path: Path, bad: dict[str, Any], problem: str
) -> None:
    import_file(
        settings,
        _file(
            tmp_path,
            _lines({"type": "unit", "code": "U-OLD", "name": "旧局", "kind": "AGENCY"}),
            "before.jsonl",
        ),
    )
    before = _dump(graph)

    problems = _rejected(settings, _file(tmp_path, API_EXAMPLE + _lines(bad)))

    assert problems == [problem]
    assert _dump(graph) == before


def test_every_bad_line_is_reported_not_just_the_first(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    text = (
        "not json\n"
        + API_EXAMPLE
        + _lines({"type": "unit", "code": "U-X", "name": "", "kind": "AGENCY"})
        + "\n"  # blank lines are skipped, but counted
        + _lines(_entry(basis=0, status="GONE"))
        + '{"type":"unit","code":"U-Y","code":"U-Z","name":"某局","kind":"AGENCY"}\n'
    )

    problems = _rejected(settings, _file(tmp_path, text))

    assert problems == [
        "line 1: (line): is not a JSON object on one line",
        "line 8: name: must be a non-empty string",
        "line 10: basis: must be a basis category from 1 to 5 (R2)",
        "line 10: status: must be one of PROPOSED, PUBLIC_NOTICE, ACTIVE, OBJECTED, EXITED",
        "line 11: code: appears more than once on the line",
    ]
    assert _dump(graph).nodes == {}


def test_references_resolve_from_the_graph_on_a_second_import(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _file(tmp_path, API_EXAMPLE, "first.jsonl"))
    second = _lines(
        {
            "type": "role",
            "person": ZHANG_SAN,
            "enterprise": ACME,
            "role": "DIRECTOR",
            "from": "2023-01-01",
        },
        {
            "type": "shareholding",
            "holder": {"uscc": ACME},
            "enterprise": OTHER,
            "percent": 51,
            "from": "2020-01-01",
        },
        {"type": "enterprise", "uscc": OTHER, "name": "南宁某某贸易有限公司"},
        _entry(id="E-2024-0007", subject={"id_number": ZHANG_SAN}, domain="JUDICIAL", basis=3),
    )

    summary = import_file(settings, _file(tmp_path, second, "second.jsonl"))

    assert (summary.roles.created, summary.shareholdings.created, summary.entries.created) == (
        1,
        1,
        1,
    )
    dump = _dump(graph)
    assert len(_nodes(dump, "Person")) == 1  # found by blind index, not created again
    assert sorted(r["kind"] for r in _relationships(dump, "HOLDS_ROLE")) == [
        "DIRECTOR",
        "LEGAL_REPRESENTATIVE",
    ]
    assert len(_relationships(dump, "CONCERNS")) == 2


def test_a_person_keeps_the_opaque_id_given_at_creation(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _file(tmp_path, API_EXAMPLE, "first.jsonl"))
    [before] = _nodes(_dump(graph), "Person")

    import_file(
        settings,
        _file(tmp_path, _lines({"type": "person", "id_number": ZHANG_SAN, "name": "张叁"}), "b"),
    )

    [after] = _nodes(_dump(graph), "Person")
    assert after["id"] == before["id"]
    assert after["id_number_ct"] == before["id_number_ct"]
    assert after["name"] == "张叁"


def test_a_role_is_identified_by_person_enterprise_kind_and_start(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _file(tmp_path, API_EXAMPLE, "first.jsonl"))
    ended_later = API_EXAMPLE.replace('"to":"2022-06-30"', '"to":"2023-06-30"')
    came_back = _lines(
        {
            "type": "role",
            "person": ZHANG_SAN,
            "enterprise": ACME,
            "role": "LEGAL_REPRESENTATIVE",
            "from": "2024-01-01",
        },
    )

    import_file(settings, _file(tmp_path, ended_later + came_back, "second.jsonl"))

    roles = _relationships(_dump(graph), "HOLDS_ROLE")
    assert sorted(roles, key=lambda r: r["from"]) == [
        {"kind": "LEGAL_REPRESENTATIVE", "from": Date(2018, 1, 1), "to": Date(2023, 6, 30)},
        {"kind": "LEGAL_REPRESENTATIVE", "from": Date(2024, 1, 1)},
    ]


def test_only_the_identifying_unit_may_change_its_entry(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _file(tmp_path, API_EXAMPLE, "first.jsonl"))
    before = _dump(graph)
    other_unit = _lines(
        {"type": "unit", "code": "U-SAMR", "name": "市市场监督管理局", "kind": "AGENCY"},
        _entry(id="E-2021-0001", unit="U-SAMR", status="EXITED"),
    )

    problems = _rejected(settings, _file(tmp_path, other_unit, "second.jsonl"))

    assert problems == [
        "line 2: unit: entry E-2021-0001 was identified by U-TAX; only its identifying unit may "
        "change it (谁认定、谁负责)"
    ]
    assert _dump(graph) == before


def test_an_entry_never_changes_its_subject_or_list(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _file(tmp_path, API_EXAMPLE, "first.jsonl"))
    moved = _lines(_entry(id="E-2021-0001", list="WATCH", subject={"id_number": ZHANG_SAN}))

    problems = _rejected(settings, _file(tmp_path, moved, "second.jsonl"))

    assert problems == [
        "line 1: list: entry E-2021-0001 is on the BLACK list; an entry never changes list",
        "line 1: subject: entry E-2021-0001 concerns another subject; an entry's subject never "
        "changes",
    ]


def test_a_black_entry_is_rejected_while_a_red_entry_of_its_subject_is_live(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    red = _entry(id="R-1", list="RED", repairable=..., domain="TAX", basis=4, act_date=...)
    import_file(
        settings,
        _file(
            tmp_path,
            API_EXAMPLE.splitlines(True)[0]
            + _lines(
                {"type": "enterprise", "uscc": OTHER, "name": "红名单企业"},
                {**red, "subject": {"uscc": OTHER}},
            ),
            "red.jsonl",
        ),
    )

    problems = _rejected(
        settings, _file(tmp_path, _lines(_entry(id="B-1", subject={"uscc": OTHER})), "black.jsonl")
    )

    assert problems == [
        "line 1: status: the subject's RED entry R-1 is ACTIVE, not EXITED; a subject leaves "
        "every RED list before a BLACK entry takes effect (R4)"
    ]
    red_exits = _lines(
        {
            **red,
            "subject": {"uscc": OTHER},
            "status": "EXITED",
            "exit_reason": "BLACK_LISTED",
            "exited_on": "2021-09-01",
        },
        _entry(id="B-1", subject={"uscc": OTHER}),
    )
    summary = import_file(settings, _file(tmp_path, red_exits, "both.jsonl"))
    assert summary.entries.created == 1


def test_an_unreadable_file_is_rejected_with_its_path(settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"

    problems = _rejected(settings, missing)

    assert problems == [f"{missing}: can not be read: No such file or directory"]
