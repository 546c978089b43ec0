"""The house itself: the layers import downward only (the import-linter contracts in
pyproject.toml)."""
