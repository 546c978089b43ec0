"""``_service { sdl }``: the subgraph SDL under the policy in force (docs/federation.md).

Strawberry's own ``_service`` prints the schema without the policy; this one answers what
``hub.federation.subgraph.published_sdl`` prints, so the auth directives follow a policy reload.
Only
admins may ask (``Query._service`` in policies/policy.csv), like every root field.
"""

from __future__ import annotations

import asyncio

import strawberry

from hub.federation.subgraph import published_sdl
from schema.info import Info


@strawberry.type(name="_Service")
class Service:
    sdl: str


@strawberry.type
class ServiceQuery:
    @strawberry.field(name="_service")
    async def service(self, info: Info) -> Service:
        sdl = await asyncio.to_thread(published_sdl, info.schema, info.context.policy)
        return Service(sdl=sdl.rstrip("\n"))
