"""The graph's GraphQL types. Their fields read the projected maps (``hub.reading.nodes.Node``) that
one Cypher query per root field returns; they have no resolvers of their own."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLResolveInfo

from graph.vocabulary import EntryStatus, ExitReason, ListKind, RoleKind, SourceFeed
from schema.scalars import Date

# The graph's own vocabulary (graph/vocabulary.py), exposed as GraphQL enums: one definition
# per concept, so the schema modules annotate with the graph's classes.
strawberry.enum(ExitReason, name="ExitReason", description="Why an entry left its list.")
strawberry.enum(SourceFeed, name="SourceFeed", description="How an entry reached this platform.")
strawberry.enum(
    ListKind,
    name="ListKind",
    description="The three list kinds (R1): 红名单, 黑名单, 重点关注名单.",
)
strawberry.enum(
    EntryStatus, name="EntryStatus", description="Where an entry stands in its lifecycle."
)
strawberry.enum(
    RoleKind, name="RoleKind", description="Roles a person holds in an enterprise, with dates."
)


def _is(type_name: str) -> Any:
    def is_type_of(obj: Any, info: GraphQLResolveInfo[Any]) -> bool:
        return isinstance(obj, dict) and obj.get("__typename") == type_name

    return is_type_of


@strawberry.federation.type(
    keys=["uscc"], description="An enterprise or other organisation (法人和其他组织)."
)
class Enterprise:
    uscc: str = strawberry.field(description="Unified social credit code (GB 32100).")
    name: str
    registered_on: Date | None
    legal_representative: Person | None = strawberry.field(
        description="The person who holds the LEGAL_REPRESENTATIVE role today."
    )
    roles: list[Role] = strawberry.field(description="Roles held in it, past and present.")
    entries: list[ListEntry]

    is_type_of = staticmethod(_is("Enterprise"))


@strawberry.federation.type(keys=["id"], description="A natural person (自然人).")
class Person:
    id: strawberry.ID = strawberry.field(
        description="Opaque and stable; never the identity number, never derivable from it."
    )
    id_number: str | None = strawberry.field(
        description="Resident identity number: clear, masked or null as the policy decides."
    )
    name: str | None
    roles: list[Role]
    entries: list[ListEntry]

    is_type_of = staticmethod(_is("Person"))


@strawberry.type(description="A role a person holds or held in an enterprise.")
class Role:
    kind: RoleKind
    person: Person
    enterprise: Enterprise
    from_: Date | None = strawberry.field(name="from")
    to: Date | None = strawberry.field(description="null: the role is held today.")

    is_type_of = staticmethod(_is("Role"))


@strawberry.type(description="Where an entry came from: the last delivery that wrote it.")
class EntrySource:
    feed: SourceFeed
    batch: str = strawberry.field(
        description="Which delivery: sha256:<hex> of the file an import or push command read "
        "(its audit record has the digest), request:<id> of a GraphQL request (its audit "
        "record's request id), follows:<entry id> for a follow-up watch (R8), seed:<n>."
    )
    unit: str = strawberry.field(
        description="The unit that sent it (a recognised entry's: as its own platform codes it)."
    )
    platform: str | None = strawberry.field(
        description="The other platform it was recognised from (R18); null for this platform's."
    )
    received_at: str = strawberry.field(
        description="When this platform took that delivery (UTC, ISO 8601)."
    )

    is_type_of = staticmethod(_is("EntrySource"))


@strawberry.type(description="An entry on a red, black or watch list (R1).")
class ListEntry:
    id: strawberry.ID
    list: ListKind
    status: EntryStatus
    domain: str
    basis: int | None = strawberry.field(description="Basis category 1..5 (R2).")
    legal_basis: str | None
    act_date: Date | None = strawberry.field(description="When the act happened, if known.")
    identifying_unit: str = strawberry.field(description="The unit that listed it (认定单位).")
    identified_on: Date
    valid_until: Date | None
    repairable: bool | None
    repair_method: str | None = strawberry.field(description="How the subject may repair (R21).")
    repair_earliest: Date | None = strawberry.field(description="From when it may apply (R21).")
    exit_reason: ExitReason | None = strawberry.field(
        description="Why it left its list; EXPIRED past its validity even before the expiry job."
    )
    exited_on: Date | None
    version: int = strawberry.field(description="Increments with every step; for expectedVersion.")
    reported_on: Date | None = strawberry.field(description="When it reached the platform (R6).")
    report_deadline: Date | None = strawberry.field(
        description="The 5th Chinese working day after identification (R6)."
    )
    reported_late: bool | None = strawberry.field(description="Reported after the deadline (R6).")
    notice_until: Date | None = strawberry.field(description="End of the public notice (公示).")
    prior_notice_on: Date | None = strawberry.field(description="Prior notice given (事前告知).")
    watch_months_after_exit: int | None = strawberry.field(
        description="R8: validity of the watch entry that follows a black exit."
    )
    source: EntrySource | None = strawberry.field(
        description="Where it came from; null for an entry written before sources were kept."
    )

    is_type_of = staticmethod(_is("ListEntry"))
