"""``credit-hub stats``: per unit, checks made and hits (from the audit log) and feedback given
with its delay (R24). A unit is flagged when any of its feedback came later than
``LATE_AFTER_DAYS`` days after the entry reached the platform."""

from __future__ import annotations

import argparse
from typing import Any

from graph.driver import open_driver
from graph.feedback import CHECKS_BY_UNIT, FEEDBACK_BY_UNIT
from hub.settings import Settings

LATE_AFTER_DAYS = 30
COLUMNS = ("unit", "checks", "hits", "feedback", "mean_delay_days", "max_delay_days", "late")


def install(sub: Any) -> None:
    sub.add_parser(
        "stats", help="per unit: checks, hits, feedback given and its delay (R24)"
    ).set_defaults(command=_stats)


def unit_stats(settings: Settings) -> list[dict[str, Any]]:
    units: dict[str, dict[str, Any]] = {}
    with open_driver(settings) as driver:
        feedback, _, _ = driver.execute_query(
            FEEDBACK_BY_UNIT,
            {"late_after_days": LATE_AFTER_DAYS},
            database_=settings.neo4j_database,
        )
    with open_driver(settings, settings.audit_neo4j_uri) as driver:
        checks, _, _ = driver.execute_query(CHECKS_BY_UNIT, database_=settings.neo4j_database)
    for record in [*checks, *feedback]:
        row = units.setdefault(record["unit"], {name: 0 for name in COLUMNS})
        row.update({key: value for key, value in record.data().items() if value is not None})
    return [units[unit] for unit in sorted(units)]


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    print("\t".join(COLUMNS))
    for row in unit_stats(settings):
        mean = row["mean_delay_days"]
        row["mean_delay_days"] = round(mean, 1) if isinstance(mean, float) else mean
        flag = "\tLATE" if row["late"] else ""
        print("\t".join(str(row[name]) for name in COLUMNS) + flag)
    return 0
