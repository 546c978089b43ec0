"""Cypher statements a request sent on the write side, counted per request.

Reads go through ``graph.reader.GraphReader``, which counts its own. Writes (lifecycle steps,
proposals, feedback, admin operations) go through the driver in a write transaction of their
own; each statement they send notes itself here, in a context variable that the GraphQL
endpoint opens per request (``counting``), so the audit record's ``x_round_trips`` counts
both. Outside a request (the command line) nothing is counted.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class WriteStatements:
    count: int = 0


_CURRENT: ContextVar[WriteStatements | None] = ContextVar("write_statements", default=None)


def counting() -> WriteStatements:
    """Start counting the write statements of the current request (its task)."""
    tally = WriteStatements()
    _CURRENT.set(tally)
    return tally


def note_statement() -> None:
    tally = _CURRENT.get()
    if tally is not None:
        tally.count += 1
