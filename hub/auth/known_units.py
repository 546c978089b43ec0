"""Which units the platform knows: a token for any other unit is refused (issue 12, class 2).

The hub is stateless and runs as several processes, so the truth is the graph's ``:Unit``
nodes; each process keeps a short-lived copy so that the check costs a dictionary look-up on
the hot path, never a round trip per request:

* the set of known codes is read whole at the first request and again when it is older than
  ``KNOWN_SECONDS`` (60 s): one round trip per process per minute at most;
* a code not in the set is looked up on its own (one round trip) and, when absent, remembered
  as unknown for ``UNKNOWN_SECONDS`` (2 s): a unit registered anywhere (``registerUnit``, an
  import, another process) is accepted everywhere within 2 s, and a stream of tokens for an
  unknown unit costs one round trip per 2 s per process;
* a unit removed from the graph (a restore) is refused within 60 s.

Concurrent requests share one read (a lock); a graph that does not answer makes the request
UNAVAILABLE (fail closed, like every read).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from graph.admin import UNIT_CODES, UNIT_KNOWN
from graph.reader import GraphReader
from hub.auth.tokens import Caller
from hub.errors import Unauthenticated
from hub.validation.unit_codes import SELF_UNIT

KNOWN_SECONDS = 60.0
UNKNOWN_SECONDS = 2.0
UNKNOWN_KEPT = 10_000


class UnknownUnit(Unauthenticated):
    def __init__(self, unit: str) -> None:
        super().__init__(f"invalid token: unit {unit} is not a unit of the platform")


class KnownUnits:
    def __init__(self, reader: GraphReader, clock: Callable[[], float] = time.monotonic) -> None:
        self._reader = reader
        self._clock = clock
        self._known: frozenset[str] = frozenset()
        self._read_at: float | None = None
        self._unknown: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def require(self, caller: Caller) -> None:
        """Refuse (UNAUTHENTICATED) a caller whose token names a unit the platform does not
        know. A data subject's ``SELF`` is no unit and needs none (``hub.auth.tokens`` binds it)."""
        if caller.unit == SELF_UNIT:
            return
        if not await self.knows(caller.unit):
            raise UnknownUnit(caller.unit)

    async def knows(self, unit: str) -> bool:
        now = self._clock()
        if self._read_at is None or now - self._read_at > KNOWN_SECONDS:
            await self._read_all(now)
        if unit in self._known:
            return True
        missed = self._unknown.get(unit)
        if missed is not None and now - missed <= UNKNOWN_SECONDS:
            return False
        return await self._look_up(unit, now)

    async def _read_all(self, now: float) -> None:
        async with self._lock:
            if self._read_at is not None and now - self._read_at <= KNOWN_SECONDS:
                return  # another request read it meanwhile
            rows = await self._reader.rows(UNIT_CODES, {})
            self._known = frozenset(row["code"] for row in rows)
            self._read_at = now
            self._unknown.clear()

    async def _look_up(self, unit: str, now: float) -> bool:
        async with self._lock:
            if unit in self._known:
                return True
            missed = self._unknown.get(unit)
            if missed is not None and now - missed <= UNKNOWN_SECONDS:
                return False  # another request looked it up meanwhile
            [row] = await self._reader.rows(UNIT_KNOWN, {"code": unit})
            if row["known"]:
                self._known = self._known | {unit}
                self._unknown.pop(unit, None)
                return True
            if len(self._unknown) >= UNKNOWN_KEPT:
                self._unknown.clear()
            self._unknown[unit] = now
            return False
