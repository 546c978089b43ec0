"""credit-hub: the GraphQL hub with privacy controls (packages by concept: docs/architecture.md).
Its packages import downward only, checked by import-linter (pyproject.toml, make lint).
"""
