"""Tests of hub/audit/ and graph/audit/: chain, signing, stored form, queries, retention, proofs."""
