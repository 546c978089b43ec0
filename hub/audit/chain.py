"""The audit hash chain: one per writer, RFC 6962 style prefixes, over a canonical encoding.

* **Canonical encoding** of a record (``graph.audit.stored.canonical``: the bytes the store
  keeps): its stored properties minus ``seq``, ``prev_hash`` and ``hash``, as compact JSON
  (sorted keys, as ``orjson`` writes with ``OPT_SORT_KEYS``). ``seq`` is left out on purpose:
  a record's position is bound by the chain itself (and by the checkpoint that signs it),
  ``seq`` is only its locator, which the verifier checks against that position.
* **Leaf hash**: ``SHA-256(0x00 || canonical)``.
* **Chain hash** (the record's ``hash``): ``SHA-256(0x01 || prev || leaf)``, where ``prev`` is
  the previous record's ``hash`` (32 bytes) and ``GENESIS`` (32 zero bytes) before seq 1.
  Stored as lower-case hex. The head of a chain of n records commits to all n, in order.

Pure functions and a small state object; no I/O (the log and the verifier use the same code).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.audit.stored import canonical

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
GENESIS = "0" * 64
"""``prev_hash`` of a writer's first record."""


def leaf_hash(properties: Mapping[str, Any]) -> bytes:
    return payload_leaf(canonical(properties))


def payload_leaf(payload: bytes) -> bytes:
    """The leaf hash of a record given its canonical encoding."""
    return hashlib.sha256(LEAF_PREFIX + payload).digest()


def chain_hash(prev_hash: str, leaf: bytes) -> str:
    """The ``hash`` of a record whose predecessor's hash is ``prev_hash`` and leaf is ``leaf``."""
    return hashlib.sha256(NODE_PREFIX + bytes.fromhex(prev_hash) + leaf).hexdigest()


def record_hash(properties: Mapping[str, Any]) -> str:
    """What a stored record's ``hash`` must be, from its content and its ``prev_hash``."""
    return chain_hash(str(properties["prev_hash"]), leaf_hash(properties))


def extend(head: str, leaves: list[str]) -> str:
    """The head after appending records with these (hex) leaf hashes to a chain at ``head``."""
    for leaf in leaves:
        head = chain_hash(head, bytes.fromhex(leaf))
    return head


@dataclass
class Chain:
    """One writer's chain state: how many records it holds and the hash of the last."""

    writer: str
    size: int = 0
    head: str = GENESIS

    def append(self, properties: dict[str, Any]) -> dict[str, Any]:
        """Number and link ``properties`` as the next record (in place); returns them."""
        self.link(properties)
        return properties

    def link(self, properties: dict[str, Any]) -> bytes:
        """Number and link ``properties`` as the next record (in place); returns their
        canonical encoding (what is stored: graph/audit/stored.py)."""
        properties["writer"] = self.writer
        properties["seq"] = self.size + 1
        properties["prev_hash"] = self.head
        payload = canonical(properties)
        properties["hash"] = chain_hash(self.head, payload_leaf(payload))
        self.size += 1
        self.head = properties["hash"]
        return payload

    def mark(self) -> tuple[int, str]:
        return self.size, self.head

    def reset(self, mark: tuple[int, str]) -> None:
        """Back to a mark (a batch that was not committed)."""
        self.size, self.head = mark
