"""The admin's management operations (DESIGN.md roles: "manage units, measures and policies
(audited); no subject data by default"): the units, the measures catalogue versions, a policy
reload. Each is one Cypher round trip at most, audited like every request (its audit record
carries what changed: ``x_unit``, ``x_unit_created``, ``x_previous_kind``, ...).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from neo4j import AsyncDriver

from graph.admin import CATALOGUE_VERSIONS, REGISTER_UNIT, UNITS
from graph.catalogue import CATALOGUE_FILE
from graph.catalogue.parse import read_catalogue
from graph.errors import CatalogueError
from graph.reader import GraphReader
from graph.round_trips import note_statement
from graph.vocabulary import UnitKind, values
from hub.audit.disclosure import Disclosure
from hub.errors import BadInput, ConfigurationError
from hub.policy.source import PolicySource
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper
from hub.validation.unit_codes import valid_unit_code

MAX_NAME = 200
REFUSALS = {
    "KIND_OF_A_UNIT_WITH_ENTRIES": (
        "unit.kind",
        "a unit that has identified entries keeps its kind (its entries' meaning depends on it)",
    ),
}


class AdminDesk:
    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        reader: GraphReader,
        shaper: Shaper,
        policies: PolicySource,
        user: str,
        disclosure: Disclosure,
    ) -> None:
        self._driver = driver
        self._database = database
        self._reader = reader
        self._shaper = shaper
        self._policies = policies
        self._user = user
        self._disclosure = disclosure

    async def units(self) -> list[Node]:
        rows = await self._reader.rows(UNITS, {})
        return [self._shaper.restrict("Unit", row) for row in rows]

    async def register_unit(self, code: str, name: str, kind: str) -> Node:
        code, name, kind = valid_unit(code, name, kind)
        note_statement()
        records, _, _ = await self._driver.execute_query(
            REGISTER_UNIT, {"code": code, "name": name, "kind": kind}, database_=self._database
        )
        row = records[0]
        if row["refusal"] is not None:
            raise BadInput(*REFUSALS[row["refusal"]])
        created = row["previous_kind"] is None
        self._note(
            unit=code,
            unit_created=created,
            previous_kind=row["previous_kind"],
            previous_name=row["previous_name"],
        )
        unit = self._shaper.restrict(
            "Unit", {"code": code, "name": name, "kind": kind, "entries": row["entries"]}
        )
        return self._shaper.restrict(
            "UnitRegistration",
            {
                "unit": unit,
                "created": created,
                "previous_name": row["previous_name"],
                "previous_kind": row["previous_kind"],
            },
        )

    async def measure_catalogue(self) -> Node:
        rows = await self._reader.rows(CATALOGUE_VERSIONS, {})
        versions = [self._shaper.restrict("CatalogueVersion", row) for row in rows]
        return self._shaper.restrict(
            "MeasureCatalogue", {"shipped": shipped_catalogue_version(), "versions": versions}
        )

    async def reload_policy(self) -> Node:
        reload = await self._policies.reload_now(self._user)
        self._note(from_version=reload.previous_version, to_version=reload.version)
        values_: dict[str, Any] = {
            "previous_version": reload.previous_version,
            "version": reload.version,
            "changed": reload.version != reload.previous_version,
            "refused": reload.refused,
        }
        return self._shaper.restrict("PolicyReload", values_)

    def _note(self, **details: str | bool | None) -> None:
        """What changed, for the request's audit record (``x_<name>``; None left out)."""
        self._disclosure.details.update({k: v for k, v in details.items() if v is not None})


def valid_unit(code: str, name: str, kind: str) -> tuple[str, str, str]:
    code = valid_unit_code(code, "unit.code")  # hub.unit_codes: never a policy keyword
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BadInput("unit.name", f"must be 1 to {MAX_NAME} characters")
    if kind not in set(UnitKind):
        raise BadInput("unit.kind", f"must be one of {values(UnitKind)}")
    return code, name, kind


@cache
def shipped_catalogue_version() -> str:
    """The version of the catalogue file this hub ships (``credit-hub migrate`` loads it)."""
    try:
        return read_catalogue(CATALOGUE_FILE).version
    except CatalogueError as exc:
        raise ConfigurationError(exc.message) from exc
