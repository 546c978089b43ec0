"""What the audit record keeps of a request's inputs: a normalized query hash, and the
variables and literal arguments with every personal identifier replaced by its blind index.

* ``normalize(query)``: the document parsed and printed again with every string and number
  literal blanked, so the hash names the *shape* of the query (equal for every subject asked
  about) and never a hash of an identity number (18 digits with a birth date are few enough to
  guess). The literals come back separately, with the name of the argument or input field that
  holds each.
* ``redact``: a string that looks like a resident identity number (17 digits and a digit or X),
  or any value under a key named ``idNumber``/``id_number``, becomes
  ``bidx:<FieldCipher.blind_index("Person.id_number", value)>`` — the same token the graph is
  searched by, so an officer can match records about one person without ever seeing the number.
  USCCs are not personal data and stay as they are.
* Every other string (a free text such as ``grounds``, ``note``, ``materials``, at any depth of
  lists and objects, and the keys of objects) is scanned (``hub.validation.free_text``): an identity
  number in it becomes its ``bidx:`` token, a phone number, an e-mail address or an individual
  business's credit code ``[sealed:<kind>]``. So the record is written, and nothing clear is
  in it. A string longer than ``MAX_SCANNED`` characters (longer than any input field takes)
  is sealed whole without a scan, so scanning stays cheap. ``seal_operation_name`` does the
  same to the operation name (hub/audit/log.py).
* The record holds ``variables`` (the redacted ``{"literals": [...], "variables": {...}}`` as
  canonical JSON, when it is at most ``MAX_VARIABLES_BYTES``) and ``variables_digest`` (its
  SHA-256, always).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from graphql import (
    ArgumentNode,
    FloatValueNode,
    GraphQLError,
    IntValueNode,
    Node,
    ObjectFieldNode,
    StringValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from hub.errors import BadInput
from hub.keys.crypto import FieldCipher
from hub.validation import free_text
from hub.validation.identifiers import valid_id_number

PERSON_ID_NUMBER = "Person.id_number"
MAX_VARIABLES_BYTES = 1024
MAX_DEPTH = 32
MAX_QUERY_TOKENS = 2000
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_IDENTIFIER_KEYS = frozenset({"idnumber", "id_number"})
_CODE_KEYS = frozenset({"uscc"})  # the subject's key: kept, like the record's subjects
MAX_OPERATION_NAME = 128
MAX_SCANNED_NAME = 1024
MAX_SCANNED = 4096  # longer strings (no input field takes them) are sealed whole, unscanned
_SPACES = re.compile(r"\s+")

Literal = tuple[str, str | int | float]


@dataclass(frozen=True)
class Normalized:
    query_hash: str
    literals: tuple[Literal, ...]


@dataclass(frozen=True)
class Inputs:
    """The record's account of what was asked."""

    query_hash: str | None
    variables_digest: str | None
    variables: str | None


class _BlankLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.literals: list[Literal] = []

    def enter_string_value(self, node: StringValueNode, *args: Any) -> StringValueNode:
        self.literals.append((_holder(args), node.value))
        return StringValueNode(value="")

    def enter_int_value(self, node: IntValueNode, *args: Any) -> IntValueNode:
        self.literals.append((_holder(args), int(node.value)))
        return IntValueNode(value="0")

    def enter_float_value(self, node: FloatValueNode, *args: Any) -> FloatValueNode:
        self.literals.append((_holder(args), float(node.value)))
        return FloatValueNode(value="0")


def _holder(args: tuple[Any, ...]) -> str:
    """The argument or input field a literal belongs to (visitor args: key, parent, path,
    ancestors)."""
    ancestors = args[3] if len(args) > 3 else []
    parent = args[1] if len(args) > 1 else None
    for node in [parent, *reversed(ancestors)]:
        if isinstance(node, ArgumentNode | ObjectFieldNode):
            return node.name.value
    return ""


@lru_cache(maxsize=1024)
def normalize(query: str) -> Normalized:
    """The query's shape hash and its literals (cached: clients repeat their documents)."""
    try:
        # Bounded like the schema's parser (schema.build.MAX_TOKENS): an 8 MiB document must
        # not hold the event loop while its audit record is made (it is hashed as text).
        document = parse(query, no_location=True, max_tokens=MAX_QUERY_TOKENS)
    except GraphQLError:
        text = _SPACES.sub(" ", query).strip()
        text = _ID_NUMBER_IN_TEXT.sub("?", text)
        return Normalized(_sha256(text.encode()), ())
    blanker = _BlankLiterals()
    blank: Node = visit(document, blanker)
    return Normalized(_sha256(print_ast(blank).encode()), tuple(blanker.literals))


def redact(value: Any, cipher: FieldCipher, key: str = "", depth: int = 0) -> Any:
    """``value`` with every personal identifier replaced by its blind index, and every other
    piece of personal data in a string (or a number, or a key) sealed (nesting deeper than
    ``MAX_DEPTH`` is cut: no input can make the record fail)."""
    if depth > MAX_DEPTH and isinstance(value, dict | list):
        return "…"
    if isinstance(value, dict):
        return {
            seal_text(str(k), cipher): redact(v, cipher, str(k), depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v, cipher, key, depth + 1) for v in value]
    if isinstance(value, str) and (
        _ID_NUMBER.match(value.strip()) or key.lower() in _IDENTIFIER_KEYS
    ):
        return "bidx:" + cipher.blind_index(PERSON_ID_NUMBER, _id_number(value))
    if isinstance(value, str) and len(value) > MAX_SCANNED:
        return f"[sealed:text of {len(value)} characters]"
    if isinstance(value, str) and key.lower() not in _CODE_KEYS:
        return seal_text(value, cipher)
    if isinstance(value, int | float) and not isinstance(value, bool):
        sealed = seal_text(str(value), cipher)
        return value if sealed == str(value) else sealed
    return value


def seal_text(text: str, cipher: FieldCipher) -> str:
    """``text`` with the personal data in it sealed (hub/validation/free_text.py): an identity
    number becomes its blind index token (``bidx:…``, so records about one person still match), any
    other finding ``[sealed:<kind>]``."""

    def token(finding: free_text.Finding) -> str | None:
        if finding.kind != free_text.ID_NUMBER:
            return None
        return "bidx:" + cipher.blind_index(PERSON_ID_NUMBER, _id_number(finding.compact))

    return free_text.seal(text, token)


def seal_operation_name(name: str | None) -> str | None:
    """The operation name as the record keeps it: personal data sealed, at most
    ``MAX_OPERATION_NAME`` characters."""
    if name is None:
        return None
    if len(name) > MAX_SCANNED_NAME:
        return f"[sealed:operation name of {len(name)} characters]"
    sealed = free_text.seal(name)
    if len(sealed) > MAX_OPERATION_NAME:
        return sealed[:MAX_OPERATION_NAME] + "…"
    return sealed


def _id_number(value: str) -> str:
    """As the graph's blind index has it (checked and compacted), or as given if invalid."""
    try:
        return valid_id_number(value)
    except BadInput:
        return value.strip().upper()


def request_inputs(
    query: str | None, variables: dict[str, Any] | None, cipher: FieldCipher
) -> Inputs:
    if query is None:
        return Inputs(None, None, None)
    normalized = normalize(query)
    body = {
        "literals": [[name, redact(value, cipher, name)] for name, value in normalized.literals],
        "variables": redact(variables or {}, cipher),
    }
    text = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    kept = text.decode() if len(text) <= MAX_VARIABLES_BYTES else None
    return Inputs(normalized.query_hash, _sha256(text), kept)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
