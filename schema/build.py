"""Build the hub's schema: an Apollo Federation v2 subgraph with every root field guarded.

* ``guard_root_fields`` wraps every root field's resolver, once at build time, with the
  caller's operation decision (Casbin, computed once per request): a new root field is refused
  until the policy allows it, an argument beyond its purpose's limit (``policies/limits.csv``)
  is refused, and every root field asked is recorded for the audit log.
* ``_entities`` answers all representations with ONE Cypher query (strawberry's default calls
  ``resolve_reference`` once per representation), through the same planner and decisions.
* Parsing and validation are cached (they dominate strawberry's cost otherwise); token,
  depth, alias, cost and expanded-size limits bound what one request can ask, each measured in
  one linear walk (``schema.cost``) before any other rule runs, and validation runs off the
  event loop within the request's budget (``schema.checking``); introspection is off unless
  asked for (the hub builds a second schema with it on for admins).
* ``_entities`` counts the cost of its selection once per representation: a batch whose
  representations times their selection exceed the cost limit is refused before anything is
  read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema import Schema as FederationSchema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from hub.errors import BadInput, Forbidden
from hub.policy.engine import Policy
from hub.reading.nodes import read_field
from schema.admin import AdminMutation, AdminQuery
from schema.audit import AuditQuery
from schema.checking import CheckedDocuments, DocumentChecks
from schema.checks import CheckQuery
from schema.cost import MAX_COST, DocumentMeasure
from schema.feedback import FeedbackMutation, FeedbackQuery
from schema.info import Info
from schema.inputs import check_mutation_arguments
from schema.lifecycle import LifecycleMutation, LifecycleQuery
from schema.queries import SubjectQuery, entity_selections
from schema.scalars import Date, DateScalar
from schema.service import ServiceQuery
from schema.stats import StatsQuery
from schema.types import Enterprise, ListEntry, Person, Role

# Each domain contributes its root fields as a class of its own; they are merged into Query.
QUERIES: tuple[type, ...] = (
    SubjectQuery,
    LifecycleQuery,
    AuditQuery,
    CheckQuery,
    FeedbackQuery,
    AdminQuery,
    ServiceQuery,
    StatsQuery,
)
MUTATIONS: tuple[type, ...] = (LifecycleMutation, FeedbackMutation, AdminMutation)
MAX_TOKENS = 2000
CACHE_SIZE = 1024
ENTITY_KEYS = {"Enterprise": "uscc", "Person": "id"}


SdlPublisher = Callable[["HubSchema", Policy], str]
"""Prints a schema's published SDL under a policy: ``hub.federation.subgraph.published_sdl``."""


def plain_sdl(schema: HubSchema, policy: Policy) -> str:
    """Strawberry's print, without the policy's directives: a schema built only to be printed
    or linted has no publisher."""
    return schema.as_str().rstrip("\n") + "\n"


class HubSchema(FederationSchema):
    def __init__(self, *args: Any, sdl: SdlPublisher = plain_sdl, **kwargs: Any) -> None:
        """``sdl`` is injected: the schema layer does not import the federation code above it."""
        super().__init__(*args, **kwargs)
        self._sdl = sdl

    def published_sdl(self, policy: Policy) -> str:
        """What ``_service { sdl }`` answers under ``policy`` (``schema.service``)."""
        return self._sdl(self, policy)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected errors (the hub's own, and the client's bad queries) are answers, not
        incidents; unexpected ones are logged with the request id by ``hub.http.error_output``."""

    async def entities_resolver(  # type: ignore[override]
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        _refuse_beyond_cost(info, representations)
        keyed: list[dict[str, Any]] = []
        problems: dict[int, Exception] = {}
        for index, representation in enumerate(representations):
            try:
                keyed.append(_entity_key(representation, index))
            except BadInput as exc:
                problems[index] = exc
                keyed.append({"uscc": None, "id": None})
        enterprise, person = entity_selections(info)
        nodes = await info.context.reads.entities(keyed, enterprise, person)
        answers: list[object] = list(nodes)
        for index, problem in problems.items():
            answers[index] = problem
        return [FederationAny(answer) for answer in answers]


def _refuse_beyond_cost(info: Info, representations: list[Any]) -> None:
    """Each representation is answered with the whole selection for its type: the cost of
    ``_entities`` is the sum, over representations, of 1 + their type's selection cost."""
    raw = info._raw_info
    measure = DocumentMeasure(raw.schema, _document_of(raw))
    per_type = {
        name: measure.selection_sets(
            (node.selection_set for node in raw.field_nodes), raw.schema.get_type(name)
        ).cost
        for name in ENTITY_KEYS
    }
    cost = 0
    for representation in representations:
        type_name = representation.get("__typename") if isinstance(representation, dict) else None
        cost += 1 + per_type.get(type_name, 0) if isinstance(type_name, str) else 1
    if cost > MAX_COST:
        raise BadInput(
            "representations",
            f"{len(representations)} representations with this selection cost {cost}, "
            f"beyond the limit of {MAX_COST}",
        )


def _document_of(raw: Any) -> DocumentNode:
    return DocumentNode(definitions=(*raw.fragments.values(), raw.operation))


def _entity_key(representation: Any, index: int) -> dict[str, Any]:
    field = f"representations[{index}]"
    if not isinstance(representation, dict):
        raise BadInput(field, "must be an object with __typename and a key")
    type_name = representation.get("__typename")
    key = ENTITY_KEYS.get(type_name) if isinstance(type_name, str) else None
    if key is None:
        raise BadInput(f"{field}.__typename", "must be Enterprise or Person")
    value = representation.get(key)
    if not isinstance(value, str) or not value:
        raise BadInput(f"{field}.{key}", f"the key of {type_name} is required")
    return {"uscc": value if key == "uscc" else None, "id": value if key == "id" else None}


def build_schema(*, introspection: bool, sdl: SdlPublisher = plain_sdl) -> HubSchema:
    """The hub's schema; ``sdl`` prints its published SDL (the hub's services pass
    ``hub.federation.subgraph.published_sdl``)."""
    # Depth, aliases and cost are schema.cost's (strawberry's depth and alias limiters walk
    # every fragment spread anew: exponential in a chain of fragments).
    rules: list[type[ASTValidationRule]] = (
        [] if introspection else [NoSchemaIntrospectionCustomRule]
    )
    documents = CheckedDocuments(CACHE_SIZE)
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: DocumentChecks(documents),
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    schema = HubSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        types=[Enterprise, Person, Role, ListEntry],
        extensions=extensions,
        config=StrawberryConfig(default_resolver=read_field),
        federation_version="2.9",
        scalar_overrides={Date: DateScalar},
        sdl=sdl,
    )
    guard_root_fields(schema._schema)
    return schema


def guard_root_fields(graphql_schema: GraphQLSchema) -> None:
    for root in (graphql_schema.query_type, graphql_schema.mutation_type):
        if root is not None:
            for name, field in root.fields.items():
                if field.resolve is not None:
                    field.resolve = _guarded(field.resolve, f"{root.name}.{name}")


def _guarded(resolve: Callable[..., Any], coordinate: str) -> Callable[..., Any]:
    checks_bounds = coordinate.startswith("Mutation.")  # lengths, characters, dates, personal data

    def guarded_resolver(source: Any, info: Any, **arguments: Any) -> Any:
        context = info.context
        context.disclosure.operations.append(coordinate)
        if not context.decisions.may(coordinate):
            context.disclosure.denied.add(coordinate)
            raise Forbidden(f"{coordinate} is not allowed for your role and purpose")
        limit = context.decisions.beyond_limit(coordinate, arguments)
        if limit is not None:
            context.disclosure.denied.add(limit.coordinate)
            raise Forbidden(limit.refusal(arguments))
        if checks_bounds:
            check_mutation_arguments(arguments)
        return resolve(source, info, **arguments)

    return guarded_resolver


def root_object_types(graphql_schema: GraphQLSchema) -> list[GraphQLObjectType]:
    """The object types whose fields the policy decides on (every type but roots and meta)."""
    roots = {graphql_schema.query_type, graphql_schema.mutation_type}
    return [
        t
        for name, t in graphql_schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and t not in roots
    ]


__all__ = ["GraphQLError", "HubSchema", "build_schema", "root_object_types"]
