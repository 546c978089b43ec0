"""Tests of hub/policy/: the policy engine and lint, reloads, purpose limits, quotas."""
