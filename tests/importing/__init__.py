"""Tests of hub/importing/: the all-or-nothing import and entry sources."""
