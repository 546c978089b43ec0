"""``_service { sdl }``: the subgraph SDL under the policy in force (docs/federation.md).

Strawberry's own ``_service`` prints the schema without the policy; this one answers what the
schema's SDL publisher prints (``hub.federation.subgraph.published_sdl``, which the hub's
services hand to ``schema.build.build_schema``), so the auth directives follow a policy reload.
The schema layer never imports the federation code above it: the publisher is injected. Only
admins may ask (``Query._service`` in policies/policy.csv), like every root field.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, runtime_checkable

import strawberry

from hub.policy.engine import Policy
from schema.info import Info


@runtime_checkable
class PublishesSdl(Protocol):
    """A schema that can print its published SDL under a policy (``schema.build.HubSchema``)."""

    def published_sdl(self, policy: Policy) -> str: ...


@strawberry.type(name="_Service")
class Service:
    sdl: str


@strawberry.type
class ServiceQuery:
    @strawberry.field(name="_service")
    async def service(self, info: Info) -> Service:
        schema = info.schema
        if not isinstance(schema, PublishesSdl):  # pragma: no cover - every HubSchema does
            raise TypeError(f"{type(schema).__name__} publishes no SDL")
        sdl = await asyncio.to_thread(schema.published_sdl, info.context.policy)
        return Service(sdl=sdl.rstrip("\n"))
