"""Tests of hub/sanctions/: check, exposure, execution feedback."""
