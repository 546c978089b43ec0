"""Where an entry came from: every way an entry is written records its source (issue 7).

An entry carries the source of the last batch that wrote it, as properties of its node:

| property | what |
|---|---|
| ``source_feed`` | how it arrived (``graph.vocabulary.SourceFeed``) |
| ``source_batch`` | which delivery: ``sha256:<hex>`` of the file a command read (the audit record of that ``Cli.import`` / ``Cli.push`` names the same digest), ``request:<id>`` of the GraphQL request (its audit record's request id), ``follows:<entry id>`` for a follow-up watch, ``seed:<n>`` for synthetic data |
| ``source_unit`` | the unit that sent it (for a recognised entry: the unit as its own platform codes it) |
| ``source_platform`` | the other platform it was recognised from (R18); absent for this platform's own |
| ``source_received_at`` | when this platform first took that batch (UTC, ISO 8601); taking the same batch again keeps it |

GraphQL: ``ListEntry.source { feed batch unit platform receivedAt }`` (policies/policy.csv).
"""  # noqa: E501

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from graph.vocabulary import SourceFeed


@dataclass(frozen=True)
class Source:
    """One delivery of entries: the same for every entry of a batch."""

    feed: SourceFeed
    batch: str
    platform: str | None = None
    received_at: str = field(default_factory=lambda: now())

    def params(self) -> dict[str, str | None]:
        """The ``$source`` parameter of the writes (graph/loading.py)."""
        return {
            "feed": self.feed.value,
            "batch": self.batch,
            "platform": self.platform,
            "received_at": self.received_at,
        }


def now() -> str:
    """The current time, UTC, ISO 8601 with milliseconds and ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_batch(content: bytes) -> str:
    """The batch of a file a command read: its sha256, as the command's audit record has it."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


def request_batch(request_id: str) -> str:
    return f"request:{request_id}"


__all__ = ["Source", "file_batch", "now", "request_batch"]
