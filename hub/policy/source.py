"""Policy changes take effect in every hub process without a restart.

Each process checks the policy files' size and modification time at most every
``CHECK_EVERY_SECONDS`` (a ``stat`` on the request path, nothing more). A change is loaded,
linted and recorded in the audit log; only then do requests see it. A policy that fails to
load or lint is refused (logged) and the running one stays: a typo never opens or closes the
hub. Every audit record names the policy version it was decided under.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from hub.audit.log import AuditRecord
from hub.audit.operations import operation_record
from hub.errors import HubError
from hub.policy.engine import POLICY_FILES, Policy, SchemaSurface, policy_dir, read_policy_texts
from hub.policy.lint import lint

log = logging.getLogger("credit_hub.policy")
CHECK_EVERY_SECONDS = 2.0
Stamp = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Reload:
    """What a reload did: the version before and the one in force after (equal: no change)."""

    previous_version: str
    version: str
    refused: str | None = None
    """Why the files on disk were refused (they failed to load or lint); None: accepted."""


class PolicySource:
    def __init__(
        self,
        surface: SchemaSurface,
        record: Callable[[AuditRecord], Awaitable[None]],
        directory: Path | None = None,
        check_every: float = CHECK_EVERY_SECONDS,
    ) -> None:
        self._surface = surface
        self._record = record
        self._directory = directory or policy_dir()
        self._check_every = check_every
        self._stamp = self._stat()
        self._policy = Policy(read_policy_texts(self._directory), surface)
        self._checked = time.monotonic()
        self._lock = asyncio.Lock()

    @property
    def policy(self) -> Policy:
        return self._policy

    async def current(self) -> Policy:
        """The policy in force, reloading it first if its files changed."""
        now = time.monotonic()
        if now - self._checked < self._check_every:
            return self._policy
        self._checked = now
        stamp = self._stat()
        if stamp != self._stamp:
            async with self._lock:
                if stamp != self._stamp:
                    await self._reload(stamp)
        return self._policy

    def check_on_next_read(self) -> None:
        """Have the next :meth:`current` look at the files whatever ``check_every`` says: the
        explicit trigger for what the interval does on its own (tests use it instead of waiting)."""
        self._checked = float("-inf")

    async def reload_now(self, user: str | None = None) -> Reload:
        """Re-read the files at once (an admin's ``reloadPolicy``), changed or not."""
        async with self._lock:
            self._checked = time.monotonic()
            return await self._reload(self._stat(), user)

    async def _reload(self, stamp: Stamp, user: str | None = None) -> Reload:
        started = time.perf_counter()
        previous = self._policy.version
        try:
            texts = read_policy_texts(self._directory)
            problems = [str(p) for p in lint(texts, self._surface)]
            if problems:
                raise HubError("; ".join(problems[:5]))
            policy = Policy(texts, self._surface)
        except HubError as exc:
            log.error("policy change refused, keeping %s: %s", previous, exc.message)
            self._stamp = stamp  # do not retry the same broken files on every request
            return Reload(previous, previous, exc.message)
        if policy.version == previous:
            self._stamp = stamp
            return Reload(previous, previous)
        details = {"from_version": previous, "to_version": policy.version}
        await self._record(
            operation_record(
                "Policy.reload", decision="ALLOWED", started=started, details=details, user=user
            )
        )  # no record, no new policy: a failed write leaves the old one and retries later
        self._policy, self._stamp = policy, stamp
        log.info("policy %s in force (was %s)", policy.version, previous)
        return Reload(previous, policy.version)

    def _stat(self) -> Stamp:
        stats = [(self._directory / name).stat() for name in POLICY_FILES]
        return tuple((s.st_mtime_ns, s.st_size) for s in stats)
