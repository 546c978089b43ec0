"""The planner (``hub.reading.planning``): from a GraphQL selection and the caller's decisions
to the ``Selection`` the graph is asked for. Pure: a small schema, no Neo4j, no hub."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graphql import GraphQLResolveInfo, build_schema, execute_sync, parse

from graph.selection import Selection
from hub.audit.disclosure import Disclosure
from hub.reading.planning import Planner

SCHEMA = build_schema(
    """
    type Query { enterprise: Enterprise }
    type Enterprise { uscc: String! name: String registeredOn: String roles: [Role!]! }
    type Role { kind: String from: String person: Person enterprise: Enterprise }
    type Person { id: ID! name: String idNumber: String }
    """
)


@dataclass
class Decisions:
    """The caller's field decisions: ``denied`` coordinates are refused, ``masked`` shown masked."""

    denied: set[str] = field(default_factory=set)
    masked: set[str] = field(default_factory=set)

    def field(self, coordinate: str) -> Any:
        clear = coordinate not in self.masked
        return SimpleNamespace(
            allowed=coordinate not in self.denied, mask=SimpleNamespace(is_clear=clear)
        )


def plan(
    query: str, decisions: Decisions | None = None, **variables: Any
) -> tuple[Selection, Disclosure]:
    """Plan the root field ``enterprise`` of ``query`` with the resolve info graphql-core gives
    its resolver (fragments, variables and directives as the hub's resolvers see them)."""
    infos: list[GraphQLResolveInfo] = []

    def resolve(_root: object, info: GraphQLResolveInfo) -> None:
        infos.append(info)

    SCHEMA.query_type.fields["enterprise"].resolve = resolve
    result = execute_sync(SCHEMA, parse(query), variable_values=variables)
    assert result.errors is None, result.errors
    disclosure = Disclosure()
    planner = Planner(infos[0], decisions or Decisions(), disclosure)  # type: ignore[arg-type]
    return planner.root_selection(), disclosure


def shape(selection: Selection | None) -> Any:
    """The selection as nested dicts (leaves None), easy to compare."""
    if selection is None:
        return None
    return {name: shape(child) for name, child in selection.fields.items()}


def test_plain_fields_and_nested_objects() -> None:
    selection, _ = plan("{ enterprise { uscc name roles { kind person { name } } } }")
    assert selection.type_name == "Enterprise"
    assert shape(selection) == {
        "uscc": None,
        "name": None,
        "roles": {"kind": None, "person": {"name": None}},
    }
    assert selection.fields["roles"] is not None
    assert selection.fields["roles"].type_name == "Role"


def test_named_and_inline_fragments_are_resolved() -> None:
    selection, _ = plan(
        """
        query { enterprise { ...Basics ... on Enterprise { roles { ...RoleKind } } } }
        fragment Basics on Enterprise { uscc name }
        fragment RoleKind on Role { kind }
        """
    )
    assert shape(selection) == {"uscc": None, "name": None, "roles": {"kind": None}}


def test_a_fragment_for_another_type_adds_nothing() -> None:
    selection, _ = plan("{ enterprise { uscc ... on Person { name } } }")
    assert shape(selection) == {"uscc": None}


def test_a_fragment_spread_twice_is_collected_once() -> None:
    selection, _ = plan(
        """
        query { enterprise { ...Basics ...Basics roles { kind } ...Basics } }
        fragment Basics on Enterprise { uscc }
        """
    )
    assert shape(selection) == {"uscc": None, "roles": {"kind": None}}


def test_aliases_of_one_field_are_fetched_once_as_their_union() -> None:
    selection, _ = plan(
        "{ enterprise { a: roles { kind } b: roles { from person { id } } code: uscc uscc } }"
    )
    assert shape(selection) == {
        "roles": {"kind": None, "from": None, "person": {"id": None}},
        "uscc": None,
    }


def test_skip_and_include_follow_their_variables() -> None:
    query = """query($yes: Boolean!, $no: Boolean!) { enterprise {
      uscc
      name @skip(if: $yes)
      registeredOn @include(if: $no)
      roles @include(if: $yes) { kind @skip(if: $no) }
      ... on Enterprise @skip(if: $yes) { uscc: name }
    } }"""
    selection, _ = plan(query, yes=True, no=False)
    assert shape(selection) == {"uscc": None, "roles": {"kind": None}}
    selection, _ = plan(query, yes=False, no=True)
    assert shape(selection) == {"uscc": None, "name": None, "registeredOn": None}


def test_a_denied_field_is_left_out_and_recorded_a_masked_one_kept_and_recorded() -> None:
    decisions = Decisions(denied={"Enterprise.registeredOn", "Role.person"}, masked={"Person.name"})
    selection, disclosure = plan(
        "{ enterprise { uscc registeredOn roles { kind person { name } }"
        " ... on Enterprise { roles { enterprise { name } } } } }",
        decisions,
    )
    assert shape(selection) == {"uscc": None, "roles": {"kind": None, "enterprise": {"name": None}}}
    assert disclosure.denied == {"Enterprise.registeredOn", "Role.person"}
    assert disclosure.masked == set()  # the masked field sat under a denied one: never planned
    _, disclosure = plan("{ enterprise { roles { person { id name } } } }", decisions)
    assert disclosure.denied == {"Role.person"}
    decisions.denied.clear()
    selection, disclosure = plan("{ enterprise { roles { person { id name } } } }", decisions)
    assert shape(selection) == {"roles": {"person": {"id": None, "name": None}}}
    assert disclosure.masked == {"Person.name"}


def test_introspection_fields_are_not_planned() -> None:
    selection, disclosure = plan("{ enterprise { __typename uscc } }")
    assert shape(selection) == {"uscc": None}
    assert disclosure.denied == set()


def test_the_same_shape_asked_differently_has_the_same_cache_key() -> None:
    """The compiled Cypher is cached by ``Selection.key``: fragments, aliases and field order
    do not make a new entry."""
    plain, _ = plan("{ enterprise { uscc roles { kind } } }")
    dressed, _ = plan(
        "query { enterprise { r: roles { ...K } id: uscc } } fragment K on Role { kind }"
    )
    assert (
        plain.key()
        == dressed.key()
        == ("Enterprise", (("roles", ("Role", (("kind", None),))), ("uscc", None)))
    )
