"""Tests of hub/admin/: the admin desk and the per-unit figures."""
