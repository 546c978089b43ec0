"""Turn the maps one Cypher query returned into ``Node``s the schema reads: sealed identifiers
opened, masks applied per the caller's decisions, and every returned subject noted for audit."""

from __future__ import annotations

from functools import cache
from typing import Any

from strawberry.utils.str_converters import to_camel_case

from graph.projection import FRAGMENTS, SUBJECT, TYPENAME
from graph.selection import Selection
from hub.audit.disclosure import Disclosure
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher, Sealed
from hub.policy.engine import Decisions
from hub.policy.masking import Masker
from hub.reading.nodes import Node

SEALED_FIELDS = {"Person.idNumber": PERSON_ID_NUMBER}
"""GraphQL coordinate → the property name its ciphertext is bound to (see hub/keys/crypto.py)."""


class Shaper:
    def __init__(
        self,
        decisions: Decisions,
        cipher: FieldCipher,
        masker: Masker,
        unit: str,
        disclosure: Disclosure,
    ) -> None:
        self._decisions = decisions
        self._cipher = cipher
        self._masker = masker
        self._unit = unit
        self._disclosure = disclosure

    def shape(self, raw: dict[str, Any] | None, selection: Selection) -> Node | None:
        if raw is None:
            return None
        node = Node(raw)
        subject = node.pop(SUBJECT, None)
        if subject is not None:
            self._disclosure.subjects.add(f"{node[TYPENAME]}:{subject}")
        fragments = FRAGMENTS[selection.type_name]
        for name, child in selection.fields.items():
            key = fragments[name].key
            value = node.get(key)
            if child is not None:
                node[key] = self._shape_child(value, child)
            else:
                node[key] = self._leaf(f"{selection.type_name}.{name}", value)
        return node

    def note_denied(self, coordinate: str) -> None:
        self._disclosure.denied.add(coordinate)

    def restrict(self, type_name: str, values: dict[str, Any]) -> Node:
        """A result object (not read through a projection) as the caller may see it: only the
        fields the policy allows, masked as it says. Nested values must be shaped already."""
        node = Node({TYPENAME: type_name})
        subject = values.get(SUBJECT)
        if subject is not None:
            self._disclosure.subjects.add(f"{type_name}:{subject}")
        for key, value in values.items():
            if key.startswith("__"):
                continue
            coordinate = _coordinate(type_name, key)
            if self._decisions.field(coordinate).allowed:
                node[key] = (
                    value if isinstance(value, dict | list) else self._leaf(coordinate, value)
                )
        return node

    def _shape_child(self, value: Any, child: Selection) -> Any:
        if isinstance(value, list):
            return [self.shape(item, child) for item in value]
        return self.shape(value, child)

    def _leaf(self, coordinate: str, value: Any) -> Any:
        sealed_as = SEALED_FIELDS.get(coordinate)
        if sealed_as is not None:
            value = self._open(sealed_as, value)
        mask = self._decisions.field(coordinate).mask
        if mask.is_clear or value is None:
            return value
        return self._masker.apply(mask, str(value), self._unit)

    def _open(self, field: str, value: Any) -> str | None:
        if not value or value[0] is None:
            return None
        ciphertext, key_id = value
        return self._cipher.open(field, Sealed(ciphertext, key_id))


@cache
def _coordinate(type_name: str, key: str) -> str:
    """``Type.fieldName`` of a result key (``to_camel_case`` cost 6 % of a check's hub CPU)."""
    return f"{type_name}.{to_camel_case(key)}"
