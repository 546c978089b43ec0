"""Loading the measures catalogue into the graph: MERGE by code, stamped with its version.

Measures that a newer catalogue no longer lists are kept (history is never deleted, R9) but
marked ``retired`` with the version that dropped them; ``check`` must skip retired measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j

from graph.catalogue.parse import Measure, read_catalogue

CATALOGUE_FILE = Path(__file__).resolve().parent / "measures.json"

MERGE_MEASURES = """
UNWIND $measures AS m
MERGE (n:Measure {code: m.code})
SET n.title = m.title,
    n.kind = m.kind,
    n.list = m.list,
    n.domains = m.domains,
    n.reach = m.reach,
    n.implementing_kinds = m.implementing_kinds,
    n.legal_basis = m.legal_basis,
    n.duration_months = m.duration_months,
    n.reach_on = m.reach_on,
    n.note = m.note,
    n.clean_record_years = m.clean_record_years,
    n.bars_appointment_as = m.bars_appointment_as,
    n.catalogue_version = $version,
    n.retired = false,
    n.retired_in = null
"""

RETIRE_MEASURES = """
MATCH (n:Measure)
WHERE NOT n.code IN $codes AND NOT coalesce(n.retired, false)
SET n.retired = true, n.retired_in = $version
RETURN n.code AS code
ORDER BY code
"""


@dataclass(frozen=True)
class CatalogueSummary:
    version: str
    measures: int
    created: int
    retired: tuple[str, ...]  # codes marked retired by this load


def load_catalogue(
    driver: neo4j.Driver, database: str, path: Path = CATALOGUE_FILE
) -> CatalogueSummary:
    """Check the catalogue file and MERGE its measures in one transaction; idempotent."""
    catalogue = read_catalogue(path)
    rows = [_row(measure) for measure in catalogue.measures]
    with driver.session(database=database) as session:
        return session.execute_write(_load, catalogue.version, rows)


def _load(
    tx: neo4j.ManagedTransaction, version: str, rows: list[dict[str, Any]]
) -> CatalogueSummary:
    created = tx.run(MERGE_MEASURES, measures=rows, version=version).consume()
    codes = [row["code"] for row in rows]
    retired = [record["code"] for record in tx.run(RETIRE_MEASURES, codes=codes, version=version)]
    return CatalogueSummary(version, len(rows), created.counters.nodes_created, tuple(retired))


def _row(measure: Measure) -> dict[str, Any]:
    return {
        "code": measure.code,
        "title": measure.title,
        "kind": measure.kind.value,
        "list": measure.list_kind.value,
        "domains": list(measure.domains),
        "reach": [kind.value for kind in measure.reach],
        "implementing_kinds": [kind.value for kind in measure.implementing_kinds],
        "legal_basis": measure.legal_basis,
        "duration_months": measure.duration_months,
        "reach_on": measure.reach_on.value,
        "note": measure.note,
        "clean_record_years": measure.clean_record_years,
        "bars_appointment_as": [kind.value for kind in measure.bars_appointment_as],
    }
