"""How ``credit-hub serve`` runs uvicorn: the limits of one process on what a caller may hold.

uvicorn bounds header size (h11's ``max_incomplete_event_size``), concurrency
(``limit_concurrency``: 503 beyond it), keep-alive idling and the listen backlog; it has no
deadline for a client that trickles its headers or body, and a connection that never finishes
its headers occupies a slot for ever. ``GuardedH11`` adds both on top of uvicorn's h11
protocol: a connection must deliver its headers within ``header_timeout_seconds`` and its body
within ``body_timeout_seconds`` (else it is closed), and at most ``max_pending_connections``
connections may be waiting for headers: a new one evicts the oldest, so half-open connections
can not keep a normal request out.

uvicorn's own ``X-Forwarded-For`` handling is off: ``hub.http.app`` decides the client address from
``CREDIT_HUB_TRUSTED_PROXIES`` alone.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from functools import cache
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from hub.settings import ServerLimits

BODY_TIMEOUT_SECONDS = 30.0


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with a read deadline and a bound on connections awaiting headers."""

    # one server per process (uvicorn's workers are processes): the connections awaiting headers
    awaiting_headers: ClassVar[OrderedDict[int, GuardedH11]] = OrderedDict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = process_limits()
        self._deadline: asyncio.TimerHandle | None = None
        self._head = _HeadMeter(self.limits.max_header_bytes)

    def data_received(self, data: bytes) -> None:
        # h11 bounds only what it buffers incomplete: a head that arrives whole is measured here
        if id(self) in self.awaiting_headers and self._head.too_large(data):
            self._refuse_head()
            return
        super().data_received(data)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers(self.limits.header_timeout_seconds)

    def connection_lost(self, exc: Exception | None) -> None:
        self._settled()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        state = self.conn.their_state
        if state is h11.SEND_BODY and id(self) in self.awaiting_headers:
            self.awaiting_headers.pop(id(self), None)
            self._arm(BODY_TIMEOUT_SECONDS)
        elif state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._settled()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.our_state is h11.IDLE and not self.transport.is_closing():
            # the next request's headers: idle keep-alive first, then the header deadline
            self._await_headers(self.limits.keep_alive_seconds + self.limits.header_timeout_seconds)

    def _await_headers(self, seconds: float) -> None:
        self._head = _HeadMeter(self.limits.max_header_bytes)
        pending = self.awaiting_headers
        pending[id(self)] = self
        self._arm(seconds)
        while len(pending) > self.limits.max_pending_connections:
            _, oldest = pending.popitem(last=False)
            oldest._close()

    def _arm(self, seconds: float) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(seconds, self._close)

    def _settled(self) -> None:
        self.awaiting_headers.pop(id(self), None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _refuse_head(self) -> None:
        self._settled()
        if not self.transport.is_closing():
            self.transport.write(_HEAD_TOO_LARGE)
            self.transport.close()

    def _close(self) -> None:
        self._settled()
        if not self.transport.is_closing():
            self.transport.close()


_HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 31\r\n"
    b"connection: close\r\n\r\n"
    b"request header fields too large"
)


class _HeadMeter:
    """How many bytes of a request's line and headers have come, up to the blank line."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen = 0
        self._tail = b""
        self._done = False

    def too_large(self, data: bytes) -> bool:
        if self._done:
            return False
        window = self._tail + data
        end = window.find(b"\r\n\r\n")
        if end >= 0:
            self._done = True
            self._seen += end + 4 - len(self._tail)
        else:
            self._seen += len(data)
            self._tail = window[-3:]
        return self._seen > self._limit


@cache
def process_limits() -> ServerLimits:
    """The limits of this process, from ``CREDIT_HUB_*`` (workers inherit the environment)."""
    return ServerLimits.from_env(os.environ)


def serve(host: str, port: int, workers: int = 1, app: str = "hub.asgi:app") -> None:
    limits = process_limits()
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers,
        http=GuardedH11,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        limit_concurrency=limits.limit_concurrency,
        timeout_keep_alive=limits.keep_alive_seconds,
        backlog=limits.backlog,
        proxy_headers=False,  # the client address is hub.app's to decide
        server_header=False,
        log_level="info",
        access_log=False,
    )
