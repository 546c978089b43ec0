"""The layers import downward only: the ``[tool.importlinter]`` contracts of pyproject.toml hold.

``make lint`` runs ``lint-imports`` too; this test makes ``make test`` (and so CI) refuse an
upward import or an import circle as well (docs/architecture.md, "Layers").
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_contract_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=os.fspath(ROOT / "pyproject.toml"), no_cache=True)
    assert status == EXIT_STATUS_SUCCESS, "lint-imports: a layer imports upward (see its output)"
