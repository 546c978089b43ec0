"""Tests of hub/reading/: the planner, bitemporal reads under one clock, entry visibility."""
