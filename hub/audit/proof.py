"""Inclusion proofs: one record, shown to be in its writer's chain as a signed checkpoint saw it.

A proof is a JSON document that stands on its own (docs/audit.md, "Inclusion proofs"):

```json
{"type": "credit-hub audit inclusion proof", "version": 1,
 "record": {...the stored record, with its seq, prev_hash and hash...},
 "leaves": ["<leaf hash of seq+1>", ..., "<leaf hash of checkpoint.size>"],
 "checkpoint": {...the first signed checkpoint at or after the record...}}
```

Checking it needs only the audit public key: the checkpoint's signature; the record's content
against its ``hash``; the chain from that hash through the leaves to the signed ``head``; and
``seq + len(leaves) == size``, which fixes the record's place. The later records are given by
their leaf hashes only, so a proof discloses the one record it is about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hub.audit.chain import chain_hash, extend, leaf_hash
from hub.audit.signing import CHECKPOINT, AuditKeys

PROOF_TYPE = "credit-hub audit inclusion proof"
VERSION = 1


def make_proof(
    record: Mapping[str, Any], later: Iterable[Mapping[str, Any]], checkpoint: Mapping[str, Any]
) -> dict[str, Any]:
    """The proof for ``record``, given the records after it up to ``checkpoint`` (in order)."""
    return {
        "type": PROOF_TYPE,
        "version": VERSION,
        "record": dict(record),
        "leaves": [leaf_hash(r).hex() for r in later],
        "checkpoint": dict(checkpoint),
    }


def check_proof(proof: Mapping[str, Any], keys: AuditKeys) -> list[str]:
    """Every reason the proof fails (empty: the record is in the chain the checkpoint signs)."""
    if proof.get("type") != PROOF_TYPE or proof.get("version") != VERSION:
        return [f"not a {PROOF_TYPE} (version {VERSION})"]
    record, checkpoint, leaves = proof.get("record"), proof.get("checkpoint"), proof.get("leaves")
    if not isinstance(record, dict) or not isinstance(checkpoint, dict):
        return ["record and checkpoint must be objects"]
    if not isinstance(leaves, list) or not all(isinstance(leaf, str) for leaf in leaves):
        return ["leaves must be a list of hex strings"]
    problems = []
    signature = keys.verify(CHECKPOINT, checkpoint)
    if signature is not None:
        problems.append(f"checkpoint: {signature}")
    if record.get("writer") != checkpoint.get("writer"):
        problems.append("the record and the checkpoint name different writers")
    try:
        own = chain_hash(str(record["prev_hash"]), leaf_hash(record))
        head = extend(str(record["hash"]), leaves)
    except (KeyError, ValueError) as exc:
        return [*problems, f"malformed proof: {exc}"]
    if own != record.get("hash"):
        problems.append("the record's content does not match its hash")
    if head != checkpoint.get("head"):
        problems.append("the chain from the record does not reach the signed head")
    if record.get("seq") != checkpoint.get("size", 0) - len(leaves):
        problems.append("the record's seq does not match its place under the checkpoint")
    return problems
