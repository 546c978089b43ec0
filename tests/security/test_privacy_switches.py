"""Nothing a deployment can set turns authorization or masking off (issue 5): the bench's
policy switch is an app factory under bench/, which the wheel and the image do not ship, no
module of the hub refers to it, and it refuses a production setting."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bench.bench_privacy import app_without_policy, app_without_privacy
from hub.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("hub", "schema", "graph")


@pytest.mark.parametrize("factory", [app_without_policy, app_without_privacy])
def test_the_bench_switch_refuses_a_production_setting(
    factory: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_HUB_ENV", "production")
    with pytest.raises(ConfigurationError, match="refused in production"):
        factory()  # type: ignore[operator]


def test_the_bench_is_not_shipped_and_no_shipped_module_refers_to_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert "bench" not in packages
    assert "COPY bench" not in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for package in SHIPPED:
        for path in (ROOT / package).rglob("*.py"):
            if "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            assert "from bench" not in text and "import bench" not in text, path
