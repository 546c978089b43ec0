"""Cypher for re-encrypting sealed identifiers under a new key, in batches (``keys rotate``)."""

from __future__ import annotations

from typing import LiteralString

# Persons whose identity number is sealed under another key than the active one.
SEALED_UNDER_OTHER_KEYS: LiteralString = """
MATCH (p:Person)
WHERE p.id_number_ct IS NOT NULL AND p.id_number_kid <> $active
RETURN p.id AS id, p.id_number_ct AS ciphertext, p.id_number_kid AS key_id
LIMIT $limit
"""

# Written only if nobody re-sealed it meanwhile (another rotation run, or a concurrent import).
RESEAL: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
WHERE p.id_number_kid = row.old_key_id AND p.id_number_ct = row.old_ciphertext
SET p.id_number_ct = row.ciphertext, p.id_number_kid = row.key_id
RETURN count(p) AS resealed
"""

# A sample of sealed identifiers per key, to prove at start-up that every key opens them.
SAMPLE_PER_KEY: LiteralString = """
MATCH (p:Person) WHERE p.id_number_kid IS NOT NULL
WITH p LIMIT $scan
WITH p.id_number_kid AS key_id, collect(p.id_number_ct)[..$per_key] AS ciphertexts
RETURN key_id, ciphertexts
"""
