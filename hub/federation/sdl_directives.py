"""Federation auth directives written into the printed subgraph SDL (docs/federation.md).

``with_edge_directives`` takes the SDL strawberry prints and the scopes
``hub.federation.edge_scopes``
derives from the policy, and adds to every field of the hub's own types and every root field:

* ``@authenticated``: the hub answers nothing without a verified token (API.md: HTTP 401);
  no field is public in the sense of anonymous, the public role (社会公众) holds a token too;
* ``@requiresScopes(scopes: [[...], ...])``: who may reach it (any one alternative suffices;
  an empty list: no one may).

Entity keys (``Enterprise.uscc``, ``Person.id``) carry none: every subgraph that shares the
entity resolves them, and composition would put the hub's requirements on the other
subgraphs' copies too; the hub still decides on them for its own answers.

It also imports both directives in the schema's ``@link`` (Federation v2.5 and later). The
federation plumbing (``_entities``, ``_service``, types named ``_…``) is left as it is. The
edits are placed by the parsed document's locations, so the rest of the printed text is kept
byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from graphql import (
    FieldDefinitionNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    StringValueNode,
    ValueNode,
    parse,
)

from hub.errors import ConfigurationError
from hub.federation.edge_scopes import Scopes

EDGE_DIRECTIVES = ("@authenticated", "@requiresScopes")
Edit = tuple[int, int, str]  # replace text[start:end] with the string


def with_edge_directives(sdl: str, scopes: Mapping[str, Scopes]) -> str:
    """``sdl`` with the auth directives on every field, from ``scopes`` (coordinate → scopes;
    a coordinate it lacks gets an empty list: no one)."""
    document = parse(sdl)
    edits: list[Edit] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            edits.append(_link_import(definition))
        elif isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            edits.extend(_field_edits(definition, scopes))
    text = sdl
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def directives_for(scopes: Scopes) -> str:
    """`` @authenticated @requiresScopes(scopes: [["a"], ["b/P"]])`` as printed on a field."""
    alternatives = ", ".join(f"[{_literal(scope)}]" for scope in scopes)
    return f" @authenticated @requiresScopes(scopes: [{alternatives}])"


def _field_edits(
    definition: ObjectTypeDefinitionNode | ObjectTypeExtensionNode, scopes: Mapping[str, Scopes]
) -> Iterator[Edit]:
    type_name = definition.name.value
    if type_name.startswith("_"):
        return
    keys = _key_fields(definition)
    for field in definition.fields or ():
        if not field.name.value.startswith("_") and field.name.value not in keys:
            end = _end(field)
            yield end, end, directives_for(scopes.get(f"{type_name}.{field.name.value}", ()))


def _key_fields(definition: ObjectTypeDefinitionNode | ObjectTypeExtensionNode) -> set[str]:
    """The fields an entity's ``@key`` names (simple keys: names separated by spaces)."""
    keys: set[str] = set()
    for directive in definition.directives or ():
        if directive.name.value == "key":
            for argument in directive.arguments or ():
                if argument.name.value == "fields":
                    keys.update(_string(argument.value).split())
    return keys


def _link_import(schema: SchemaDefinitionNode) -> Edit:
    for directive in schema.directives or ():
        if directive.name.value != "link":
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "import" and isinstance(argument.value, ListValueNode):
                names = {_string(value) for value in argument.value.values}
                imports = ", ".join(_literal(name) for name in sorted(names | set(EDGE_DIRECTIVES)))
                return _start(argument.value), _end(argument.value), f"[{imports}]"
    raise ConfigurationError("the printed SDL has no @link(import: [...]) on its schema")


def _literal(value: str) -> str:
    """A GraphQL string literal (JSON's escapes are GraphQL's)."""
    return json.dumps(value, ensure_ascii=False)


def _string(value: ValueNode) -> str:
    if not isinstance(value, StringValueNode):
        raise ConfigurationError("@link imports are strings")
    return value.value


def _start(node: ValueNode) -> int:
    assert node.loc is not None  # parse() keeps locations
    return node.loc.start


def _end(node: ValueNode | FieldDefinitionNode) -> int:
    assert node.loc is not None
    return node.loc.end


__all__ = ["EDGE_DIRECTIVES", "directives_for", "with_edge_directives"]
