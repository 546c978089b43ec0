"""The admin's management operations in GraphQL (docs/privacy.md): units, the measures
catalogue versions, a policy reload. The work is in ``hub.admin.desk``; the policy grants these to
the admin role only, and no subject data is reachable from them."""

from __future__ import annotations

import strawberry

from graph.vocabulary import UnitKind
from hub.reading.nodes import Projected
from schema.info import Info
from schema.types import _is

# The graph's own vocabulary (API.md's unit kinds), exposed as a GraphQL enum.
strawberry.enum(UnitKind, name="UnitKind", description="What sort of unit pushes or uses lists.")


@strawberry.input(description="A unit to register, or a known unit's new name and kind.")
class UnitInput:
    code: str = strawberry.field(
        description="'U-' then upper-case letters and digits in groups joined by '-', "
        "at most 64 characters (U-TAX, U-COURT-QINGXIU)."
    )
    name: str
    kind: UnitKind


@strawberry.type(description="A unit of the platform (认定单位, 实施单位, 金融机构, ...).")
class Unit:
    code: str
    name: str
    kind: UnitKind
    entries: int = strawberry.field(description="How many list entries it identified.")

    is_type_of = staticmethod(_is("Unit"))


@strawberry.type(description="What registerUnit did.")
class UnitRegistration:
    unit: Unit
    created: bool = strawberry.field(description="True: a new unit; false: a known one changed.")
    previous_name: str | None
    previous_kind: UnitKind | None

    is_type_of = staticmethod(_is("UnitRegistration"))


@strawberry.type(description="Measures stamped with one catalogue version (R16).")
class CatalogueVersion:
    version: str
    in_force: int = strawberry.field(description="Measures this version lists, not retired.")
    retired: int = strawberry.field(description="Measures this version no longer listed.")

    is_type_of = staticmethod(_is("CatalogueVersion"))


@strawberry.type(description="The measures catalogue: the file shipped and what the graph holds.")
class MeasureCatalogue:
    shipped: str = strawberry.field(
        description="The version of the catalogue file this hub ships (`credit-hub migrate`)."
    )
    versions: list[CatalogueVersion] = strawberry.field(description="Newest first.")

    is_type_of = staticmethod(_is("MeasureCatalogue"))


@strawberry.type(description="What reloadPolicy did.")
class PolicyReload:
    previous_version: str
    version: str = strawberry.field(description="The policy version in force now.")
    changed: bool
    refused: str | None = strawberry.field(
        description="Why the files on disk were refused (lint or load errors); null: accepted."
    )

    is_type_of = staticmethod(_is("PolicyReload"))


@strawberry.type
class AdminQuery:
    @strawberry.field(description="Every unit of the platform, by code.")
    async def units(self, info: Info) -> list[Unit]:
        return Projected[Unit].each(await info.context.admin.units())

    @strawberry.field(description="The measures catalogue versions the graph holds.")
    async def measure_catalogue(self, info: Info) -> MeasureCatalogue:
        return Projected[MeasureCatalogue].one(await info.context.admin.measure_catalogue())


@strawberry.type
class AdminMutation:
    @strawberry.mutation(description="Register a unit, or change a known unit's name and kind.")
    async def register_unit(self, info: Info, unit: UnitInput) -> UnitRegistration:
        node = await info.context.admin.register_unit(unit.code, unit.name, unit.kind.value)
        return Projected[UnitRegistration].one(node)

    @strawberry.mutation(description="Re-read the policy files now, lint them, and apply them.")
    async def reload_policy(self, info: Info) -> PolicyReload:
        return Projected[PolicyReload].one(await info.context.admin.reload_policy())
