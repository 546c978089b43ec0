"""``check``, ``checkMany`` and ``exposure`` in GraphQL (R11, R12, R16, R22; docs/check.md).

The resolvers only translate: validation, the one Cypher round trip and the verdict are in
``hub.sanctions.checks`` and ``hub.sanctions.exposure``. Every result is a
``hub.reading.nodes.Node`` restricted to the
fields the caller's policy allows.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types.enum import has_enum_definition

from graph.vocabulary import EntryStatus, ListKind, MeasureKind, ReachKind, RoleKind
from hub.errors import BadInput
from hub.reading.nodes import Projected
from hub.sanctions.checks import SubjectKey, subject_key
from schema.info import Info
from schema.inputs import SubjectInput
from schema.scalars import Date
from schema.types import _is


@strawberry.enum(description="The subject's own state (R11, R22, R25).")
class Verdict(Enum):
    CLEAR = "CLEAR"
    RESTRICTED = "RESTRICTED"
    REWARDED = "REWARDED"
    SUSPENDED = "SUSPENDED"


strawberry.enum(MeasureKind, name="MeasureKind", description="强制性 / 推荐性措施 (R16).")
strawberry.enum(
    ReachKind,
    name="ReachKind",
    description="Through what a measure reaches a person: the roles of RoleKind, or shares.",
)


def _through_a_person() -> None:
    """GraphQL's ``ReachKind`` answers ``reachedAs``: the catalogue's reaches but SUBJECT (the
    subject itself is ``reachedAs: null``), in RoleKind's order, then SHAREHOLDER."""
    registered: object = ReachKind
    assert has_enum_definition(registered)
    definition = registered.__strawberry_definition__
    by_name = {value.name: value for value in definition.values}
    definition.values = [by_name[kind.name] for kind in (*RoleKind, ReachKind.SHAREHOLDER)]


_through_a_person()


@strawberry.type(description="A measure the caller's unit must or may apply, with its proof.")
class AppliedMeasure:
    code: str
    title: str
    kind: MeasureKind
    entry_id: strawberry.ID
    reached_as: ReachKind | None = strawberry.field(
        description="The role through which it reaches a person; null: the subject itself."
    )
    path: list[str] = strawberry.field(
        description="entry → enterprise → role with its dates → person → measure (legal basis)."
    )
    until: Date | None = strawberry.field(description="Its end date; null: open-ended.")
    legal_basis: str | None
    catalogue_version: str

    is_type_of = staticmethod(_is("AppliedMeasure"))


@strawberry.enum(description="Why a subject qualifies for an incentive (R25).")
class IncentiveGround(Enum):
    RED_LIST = "RED_LIST"
    CLEAN_RECORD = "CLEAN_RECORD"


@strawberry.type(description="An incentive the caller's unit may grant (R25).")
class Incentive:
    code: str
    title: str
    grounds: list[IncentiveGround] = strawberry.field(
        description="RED_LIST: an effective red entry; CLEAN_RECORD: no adverse record for the "
        "catalogue's number of consecutive years (three for the green channel and 容缺受理)."
    )
    entry_id: strawberry.ID | None = strawberry.field(description="The red entry, if any.")
    legal_basis: str | None
    catalogue_version: str

    is_type_of = staticmethod(_is("Incentive"))


@strawberry.type(description="What the caller's unit, for its purpose, must do about a subject.")
class CheckResult:
    verdict: Verdict
    found: bool = strawberry.field(description="False: the hub knows no such subject.")
    measures: list[AppliedMeasure]
    incentives: list[Incentive]
    suspended_entry_ids: list[strawberry.ID] = strawberry.field(
        description="Entries under objection whose measures are suspended (R22)."
    )
    catalogue_version: str | None = strawberry.field(
        description="The measures catalogue version the answer used."
    )

    is_type_of = staticmethod(_is("CheckResult"))


@strawberry.type(description="May a person take up a post in an enterprise today (R11, CL 178)?")
class AppointmentCheck:
    post: RoleKind
    allowed: bool
    found: bool = strawberry.field(description="False: the hub knows no such person.")
    bars: list[AppliedMeasure] = strawberry.field(
        description="The measures in force that bar the post, with their proof and end date."
    )
    suspended_entry_ids: list[strawberry.ID] = strawberry.field(
        description="Barring entries under objection: suspended, so not barring (R22)."
    )
    catalogue_version: str | None

    is_type_of = staticmethod(_is("AppointmentCheck"))


@strawberry.type(description="A listed subject on a path from the subject asked about.")
class ExposureItem:
    hops: int = strawberry.field(description="0: the subject's own entry.")
    path: list[str] = strawberry.field(description="Subjects and relationships with dates.")
    listed_subject: str = strawberry.field(description="Enterprise:<uscc> or Person:<id>.")
    entry_id: strawberry.ID
    list: ListKind
    status: EntryStatus
    domain: str
    act_date: Date | None
    identified_on: Date
    valid_until: Date | None
    held_on_act_date: bool | None = strawberry.field(
        description="Whether the last relationship of the path was held on the entry's act date."
    )

    is_type_of = staticmethod(_is("ExposureItem"))


@strawberry.type(description="Information, never a measure: what a subject is exposed to.")
class Exposure:
    found: bool
    depth: int
    capped: bool = strawberry.field(
        description="True: a super node or the walk budget cut the answer short."
    )
    items: list[ExposureItem]

    is_type_of = staticmethod(_is("Exposure"))


def _key(subject: SubjectInput, field: str) -> SubjectKey:
    return subject_key(subject.uscc, subject.id_number, field)


def _key_or_problem(subject: SubjectInput, field: str) -> SubjectKey | BadInput:
    try:
        return _key(subject, field)
    except BadInput as exc:
        return exc


@strawberry.type
class CheckQuery:
    @strawberry.field(description="What the caller's unit must or may do about a subject.")
    async def check(self, info: Info, subject: SubjectInput) -> CheckResult:
        return Projected[CheckResult].one(await info.context.checks.check(_key(subject, "subject")))

    @strawberry.field(
        description="Up to 1,000 checks in one round trip; input order; a bad item is null."
    )
    async def check_many(
        self, info: Info, subjects: list[SubjectInput]
    ) -> list[CheckResult | None]:
        keys = [_key_or_problem(s, f"subjects[{i}]") for i, s in enumerate(subjects)]
        return Projected[CheckResult].answers(await info.context.checks.check_many(keys))

    @strawberry.field(
        description="May this person become legal representative, principal, director, "
        "supervisor or senior manager of an enterprise today?"
    )
    async def appointment_check(
        self, info: Info, subject: SubjectInput, post: RoleKind
    ) -> AppointmentCheck:
        node = await info.context.checks.appointment(_key(subject, "subject"), post.value)
        return Projected[AppointmentCheck].one(node)

    @strawberry.field(description="Listed subjects within 1..3 hops, with paths and dates.")
    async def exposure(self, info: Info, subject: SubjectInput, depth: int = 2) -> Exposure:
        node = await info.context.exposure.exposure(_key(subject, "subject"), depth)
        return Projected[Exposure].one(node)
