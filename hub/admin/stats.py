"""The per-unit figures of R24: checks made, hits, feedback given (measures applied) and its
delay, late units; and the entries each unit reported to the platform, and how late (R6).

Checks and feedback are read from the audit log in ONE round trip
(``graph.unit_stats.UNIT_STATS``), both by ``credit-hub stats`` and by the ``unitStats`` query;
reporting from the main graph in ONE round trip (``UNIT_REPORTING``, the ``unitReporting``
query and the second table of ``credit-hub stats``). A unit is flagged late when
any of its feedback came more than ``hub.sanctions.feedback.LATE_AFTER_DAYS`` days after the entry
reached
the platform.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from graph.driver import open_driver
from graph.reader import GraphReader
from graph.unit_stats import UNIT_REPORTING, UNIT_STATS
from hub.clock import PLATFORM_ZONE
from hub.reading.audit import EARLIEST, LATEST, Window
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper
from hub.settings import Settings

COLUMNS = (
    "unit",
    "checks",
    "hits",
    "feedback",
    "applied",
    "mean_delay_days",
    "max_delay_days",
    "late",
)
REPORTING = ("unit", "reported", "reported_late", "mean_report_days", "max_report_days")
ALL_TIME = Window(EARLIEST, LATEST)


def figures(row: dict[str, Any]) -> dict[str, Any]:
    """One unit's figures: counts are 0 and delays null when it gave no feedback."""
    return {name: row[name] if row[name] is not None else _none(name) for name in COLUMNS}


def reporting(row: dict[str, Any]) -> dict[str, Any]:
    """One unit's reporting figures (R6, R24)."""
    return {name: row[name] for name in REPORTING}


def _none(name: str) -> int | None:
    return None if name.endswith("delay_days") else 0


class StatsDesk:
    """``unitStats`` (a window of audit times) and ``unitReporting`` (a range of days), as the
    caller may see them."""

    def __init__(self, audit_reader: GraphReader, reader: GraphReader, shaper: Shaper) -> None:
        self._reader = audit_reader
        self._graph = reader
        self._shaper = shaper

    async def per_unit(self, window: Window) -> list[Node]:
        rows = await self._reader.rows(UNIT_STATS, {"start": window.start, "end": window.end})
        return [self._node(figures(row)) for row in rows]

    async def reporting(self, first: date | None, last: date | None) -> list[Node]:
        rows = await self._graph.rows(
            UNIT_REPORTING, {"from": first, "to": last, "zone": str(PLATFORM_ZONE)}
        )
        return [self._shaper.restrict("UnitReporting", reporting(row)) for row in rows]

    def _node(self, values: dict[str, Any]) -> Node:
        return self._shaper.restrict("UnitStats", {**values, "flagged_late": values["late"] > 0})


def install(sub: Any) -> None:
    sub.add_parser(
        "stats", help="per unit: checks, hits, feedback given and its delay; entries reported (R24)"
    ).set_defaults(command=_stats)


def unit_stats(settings: Settings, window: Window = ALL_TIME) -> list[dict[str, Any]]:
    with open_driver(settings, settings.audit_neo4j_uri) as driver:
        rows, _, _ = driver.execute_query(
            UNIT_STATS,
            {"start": window.start, "end": window.end},
            database_=settings.neo4j_database,
        )
    return [figures(row.data()) for row in rows]


def unit_reporting(settings: Settings) -> list[dict[str, Any]]:
    with open_driver(settings) as driver:
        rows, _, _ = driver.execute_query(
            UNIT_REPORTING,
            {"from": None, "to": None, "zone": str(PLATFORM_ZONE)},
            database_=settings.neo4j_database,
        )
    return [reporting(row.data()) for row in rows]


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    print("\t".join(COLUMNS))
    for row in unit_stats(settings):
        print(_line(row, COLUMNS) + ("\tLATE" if row["late"] else ""))
    print()
    print("\t".join(REPORTING))
    for row in unit_reporting(settings):
        print(_line(row, REPORTING))
    return 0


def _line(row: dict[str, Any], columns: tuple[str, ...]) -> str:
    """One tab-separated line: means to one decimal, ``-`` for no value."""
    cells = (round(v, 1) if isinstance(v, float) else v for v in (row[c] for c in columns))
    return "\t".join("-" if cell is None else str(cell) for cell in cells)
