"""Root query fields. Thin: plan the selection, call the reads service, return its nodes.

Operation-level authorization is not here: ``schema.build`` guards every root field with the
caller's decisions, so a new root field is protected without anyone remembering to.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLObjectType

from graph.selection import Selection
from hub.reading.nodes import Projected
from hub.reading.planning import Planner
from schema.info import Info
from schema.types import Enterprise, Person


def planner(info: Info) -> Planner:
    context = info.context
    return Planner(info._raw_info, context.decisions, context.disclosure)


@strawberry.type
class SubjectQuery:
    @strawberry.field(description="An enterprise by its unified social credit code.")
    async def enterprise(self, info: Info, uscc: str) -> Enterprise | None:
        selection = planner(info).root_selection()
        return Projected[Enterprise].maybe(await info.context.reads.enterprise(uscc, selection))

    @strawberry.field(description="A person by resident identity number (exact match only).")
    async def person(self, info: Info, id_number: str) -> Person | None:
        selection = planner(info).root_selection()
        return Projected[Person].maybe(await info.context.reads.person(id_number, selection))


def entity_selections(info: Info) -> tuple[Selection, Selection]:
    schema = info._raw_info.schema
    plan = planner(info)
    enterprise_type = schema.get_type("Enterprise")
    person_type = schema.get_type("Person")
    assert isinstance(enterprise_type, GraphQLObjectType)
    assert isinstance(person_type, GraphQLObjectType)
    return plan.selection_for(enterprise_type), plan.selection_for(person_type)
