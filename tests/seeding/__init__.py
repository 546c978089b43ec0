"""Tests of hub/seeding/: the generated demo city."""
