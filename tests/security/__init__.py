"""The attack suite (docs/security.md): each test_attack_* file is one attack class; fuzzing."""
