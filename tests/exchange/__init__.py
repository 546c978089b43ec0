"""Tests of hub/exchange/: list export and recognition, snapshots, the court feed."""
