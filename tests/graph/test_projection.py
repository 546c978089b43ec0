"""The projection compiler (``graph.projection``): the one Cypher map projection a selection
compiles to. Pure: no Neo4j. Fragments are literal Cypher; the compiler only fills in the
variable names it generates (``n1``, ``r2``, …) and nested projections, never a value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from graph.projection import FRAGMENTS, compile_projection
from graph.selection import Selection

SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def _selection(type_name: str, **fields: Selection | None) -> Selection:
    return Selection(type_name, dict(fields))


def test_every_field_of_the_graph_types_in_the_schema_has_a_fragment() -> None:
    document = parse(SCHEMA.read_text(encoding="utf-8"))
    declared = {
        node.name.value: {field.name.value for field in node.fields or ()}
        for node in document.definitions
        if isinstance(node, ObjectTypeDefinitionNode) and node.name.value in FRAGMENTS
    }
    assert set(declared) == set(FRAGMENTS)
    for type_name, fields in declared.items():
        assert fields == set(FRAGMENTS[type_name]), type_name


def test_leaves_compile_to_literal_fragments_over_the_bound_variable() -> None:
    cypher = compile_projection(_selection("Enterprise", uscc=None, name=None), {"self": "e"})
    assert cypher == "{__typename: 'Enterprise', __subject: e.uscc, uscc: e.uscc, name: e.name}"


def test_dates_are_strings_and_keys_are_the_python_names() -> None:
    cypher = compile_projection(_selection("Enterprise", registeredOn=None), {"self": "e"})
    assert "registered_on: toString(e.registered_on)" in cypher
    assert FRAGMENTS["Role"]["from"].key == "from_"


def test_values_are_parameters_never_inlined() -> None:
    entries = _selection("Enterprise", entries=_selection("ListEntry", id=None, status=None))
    cypher = compile_projection(entries, {"self": "e"})
    assert "$entry_scope" in cypher
    assert "$today" in cypher
    assert "$unit" in cypher
    assert "'2026" not in cypher  # no date, unit or scope value is ever written into the text


def test_nested_selections_get_fresh_variables_of_their_own() -> None:
    person = _selection("Person", name=None)
    selection = _selection(
        "Enterprise",
        legalRepresentative=person,
        roles=_selection("Role", kind=None, person=_selection("Person", id=None)),
    )
    cypher = compile_projection(selection, {"self": "e"})
    assert "WHERE r2.kind = 'LEGAL_REPRESENTATIVE'" in cypher
    assert "{__typename: 'Person', __subject: n1.id, name: n1.name}" in cypher
    # the role's person is the node of the roles comprehension, not a new match
    assert "[(e)<-[r6:HOLDS_ROLE]-(n5:Person) | {__typename: 'Role', kind: r6.kind" in cypher
    assert "person: {__typename: 'Person', __subject: n5.id, id: n5.id}" in cypher
    variables = re.findall(r"\b([nr]\d+)[:)]", cypher)
    assert len(set(variables)) == 4


def test_a_union_of_aliases_is_fetched_once() -> None:
    """Two aliases of one field reach the compiler merged (``Selection.merge``): one
    comprehension with the union of their sub-fields."""
    selection = _selection("Enterprise")
    selection.merge("entries", _selection("ListEntry", id=None))
    selection.merge("entries", _selection("ListEntry", status=None, id=None))
    cypher = compile_projection(selection, {"self": "e"})
    assert cypher.count(":CONCERNS") == 1
    assert "id: n1.id" in cypher
    assert "status: CASE WHEN (n1.status IN" in cypher


def test_a_sealed_identity_number_is_read_as_ciphertext_and_key_id() -> None:
    cypher = compile_projection(_selection("Person", idNumber=None), {"self": "p"})
    assert "id_number: [p.id_number_ct, p.id_number_kid]" in cypher


def test_an_object_field_without_a_sub_selection_can_not_be_compiled() -> None:
    with pytest.raises(ValueError, match="needs a sub-selection"):
        compile_projection(_selection("Enterprise", roles=None), {"self": "e"})
