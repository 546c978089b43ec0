"""Tests of hub/lifecycle/: proposals, rules, expiry, working days, pushed files."""
