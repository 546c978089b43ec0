"""``PolicySource`` on its own (no Neo4j, no hub): a changed policy file is seen when the check
interval has passed, or at once after ``check_on_next_read``; a broken change is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.audit.log import AuditRecord
from hub.policy.engine import policy_dir
from hub.policy.source import PolicySource
from hub.services import schema_surface
from schema.build import build_schema

PUBLISH = "\np, public, *, Enterprise.registeredOn, read, *, allow\n"


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(policy_dir(), copy)
    return copy


def source(directory: Path, records: list[AuditRecord], check_every: float) -> PolicySource:
    async def record(audit: AuditRecord) -> None:
        records.append(audit)

    surface = schema_surface(build_schema(introspection=False))
    return PolicySource(surface, record, directory, check_every=check_every)


def _append(directory: Path, text: str) -> None:
    policy = directory / "policy.csv"
    policy.write_text(policy.read_text(encoding="utf-8") + text, encoding="utf-8")


async def test_within_the_interval_the_files_are_not_looked_at(directory: Path) -> None:
    records: list[AuditRecord] = []
    policies = source(directory, records, check_every=3600)
    before = policies.policy.version
    _append(directory, PUBLISH)
    assert (await policies.current()).version == before
    policies.check_on_next_read()
    assert (await policies.current()).version != before
    assert len(records) == 1  # the reload is audited before it takes effect


async def test_with_no_interval_every_read_looks_at_the_files(directory: Path) -> None:
    records: list[AuditRecord] = []
    policies = source(directory, records, check_every=0)
    before = policies.policy.version
    _append(directory, PUBLISH)
    assert (await policies.current()).version != before


async def test_a_broken_change_is_refused_and_the_running_policy_stays(directory: Path) -> None:
    records: list[AuditRecord] = []
    policies = source(directory, records, check_every=3600)
    before = policies.policy.version
    _append(directory, "\np, public, *, Person.*, read, *, allo\n")
    policies.check_on_next_read()
    assert (await policies.current()).version == before
    assert records == []
