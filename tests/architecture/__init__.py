"""The house itself: the layers import downward only (the import-linter contracts of pyproject.toml)."""
