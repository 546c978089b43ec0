"""Daily request quotas per unit for roles that have one (a bank's scoped checks).

The allowance is shared by every hub process through one counter per unit and day in Neo4j.
A process reserves requests in blocks (``BLOCK``), not one write per request, so the counter
is touched once per block per process. A unit never gets more than its quota. Near the end
of a day a unit may get up to one unused block per process less. Over quota, the caller gets
RATE_LIMITED with the time the quota resets (midnight, China Standard Time).

Quotas live in ``policies/quotas.csv`` (role, requests per unit per day).
"""

from __future__ import annotations

import asyncio
import csv
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from neo4j import AsyncDriver

from graph.quota_store import reserve
from hub.clock import PLATFORM_ZONE
from hub.errors import ConfigurationError, HubError

BLOCK = 20


class RateLimited(HubError):
    code = "RATE_LIMITED"
    http_status = 429

    def __init__(self, unit: str, limit: int, resets_at: datetime) -> None:
        super().__init__(
            f"unit {unit} used its {limit} requests for today; the quota resets at "
            f"{resets_at.isoformat()}"
        )
        self.resets_at = resets_at

    @property
    def details(self) -> dict[str, object]:
        return {"resetsAt": self.resets_at.isoformat()}


def read_quotas(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    quotas: dict[str, int] = {}
    lines = [
        ln
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    for row in csv.reader(lines, skipinitialspace=True):
        try:
            quotas[row[0].strip()] = int(row[1])
        except (IndexError, ValueError):
            raise ConfigurationError(f"{path}: expected 'role, requests per day': {row}") from None
    return quotas


@dataclass
class _Allowance:
    day: str
    left: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Quotas:
    def __init__(self, driver: AsyncDriver, database: str, limits: dict[str, int]) -> None:
        self._driver = driver
        self._database = database
        self._limits = limits
        self._allowances: dict[str, _Allowance] = {}

    def limit_for(self, roles: tuple[str, ...]) -> int | None:
        limits = [self._limits[r] for r in roles if r in self._limits]
        return min(limits) if limits else None

    async def take(self, unit: str, roles: tuple[str, ...]) -> None:
        """One request of ``unit``'s allowance for today, or RateLimited."""
        limit = self.limit_for(roles)
        if limit is None:
            return
        now = datetime.now(PLATFORM_ZONE)
        day = now.date().isoformat()
        allowance = self._allowances.get(unit)
        if allowance is None or allowance.day != day:
            allowance = self._allowances[unit] = _Allowance(day)
        async with allowance.lock:
            if allowance.left == 0:
                allowance.left = await reserve(
                    self._driver, self._database, unit, day, min(BLOCK, limit), limit
                )
            if allowance.left == 0:
                midnight = datetime.combine(now.date() + timedelta(days=1), time(), PLATFORM_ZONE)
                raise RateLimited(unit, limit, midnight)
            allowance.left -= 1
