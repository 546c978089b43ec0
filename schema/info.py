"""The resolver ``Info`` alias with the hub's request context."""

from __future__ import annotations

from strawberry.types import Info as StrawberryInfo

from hub.context import RequestContext

Info = StrawberryInfo[RequestContext, None]
