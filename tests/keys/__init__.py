"""Tests of hub/keys/: key rotation."""
