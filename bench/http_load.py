"""A small closed-loop load generator: N concurrent clients, a fixed number of requests each,
latencies in milliseconds. Only ever aimed at 127.0.0.1 (the hub we start ourselves)."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def line(self, label: str) -> str:
        return (
            f"{label:<44} {self.per_second:8.0f} req/s   p50 {self.p50_ms:6.2f} ms"
            f"   p99 {self.p99_ms:6.2f} ms   errors {self.errors}"
        )


async def run_load(
    call: Callable[[int], Awaitable[bool]], *, clients: int, per_client: int, warmup: int = 50
) -> LoadResult:
    """``call(i)`` does request i and returns whether it succeeded."""
    for i in range(warmup):
        await call(i)
    latencies: list[float] = []
    errors = 0

    async def client(offset: int) -> None:
        nonlocal errors
        for i in range(per_client):
            started = time.perf_counter()
            ok = await call(offset * per_client + i)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(clients)))
    seconds = time.perf_counter() - started
    latencies.sort()
    return LoadResult(
        requests=len(latencies),
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        errors=errors,
    )
