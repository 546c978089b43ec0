"""Validation that can not hold the hub: limits first, then graphql-core's rules, off the
event loop, within the request's validation budget, and cached.

1. ``schema.cost.document_limits`` measures the document in one linear walk (each fragment
   once). A document over a limit is refused with those errors alone: no other rule, and
   nothing later, walks its expansion.
2. Otherwise the validation rules run in a worker thread, so a slow document does not hold
   the event loop (other requests go on), and the ``DeadlineRule`` among them stops the walk
   once the budget is spent. The caller is answered ``BAD_INPUT`` when the budget runs out.
3. The outcome (errors or none) is cached per document, as strawberry's ``ValidationCache``
   did; a document refused for time is not cached and is measured again when sent again.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from graphql.validation import ValidationContext, ValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from schema.budget import current_budget
from schema.cost import document_limits

Rules = tuple[type[ASTValidationRule], ...]
WALL_CLOCK_FACTOR = 4
"""How much longer than its CPU budget a validation may wait for the CPU before it is refused."""
_DEADLINE: ContextVar[float | None] = ContextVar("credit_hub_validation_deadline", default=None)
_CHECK_EVERY = 64  # nodes between two looks at the clock


class ValidationOverBudget(Exception):
    """Raised inside the walk once the validation budget is spent."""


class DeadlineRule(ValidationRule):
    """Looks at the clock every few nodes and stops validation past the deadline. The clock is
    the validating thread's own CPU time (``time.thread_time``), so a busy machine or a wait for
    the interpreter lock does not spend a document's budget: the work it does does."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._deadline = _DEADLINE.get()
        self._seen = 0

    def enter(self, *_: Any) -> None:
        self._seen += 1
        if (
            self._deadline is not None
            and self._seen % _CHECK_EVERY == 0
            and time.thread_time() > self._deadline
        ):
            raise ValidationOverBudget()


def checked(schema: GraphQLSchema, document: DocumentNode, rules: Rules) -> list[GraphQLError]:
    """The document's validation errors: the hub's limits, or else every rule's."""
    over_limits = document_limits(schema, document)
    if over_limits:
        return over_limits
    return validate_document(schema, document, (*rules, DeadlineRule))


def _checked_within(
    schema: GraphQLSchema, document: DocumentNode, rules: Rules, seconds: float
) -> list[GraphQLError]:
    _DEADLINE.set(time.thread_time() + seconds)
    return checked(schema, document, rules)


class CheckedDocuments:
    """What validation said of recent documents (a bounded LRU, used on the event loop only)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: OrderedDict[tuple[int, DocumentNode, Rules], list[GraphQLError]] = (
            OrderedDict()
        )

    async def errors(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> list[GraphQLError]:
        key = (id(schema), document, rules)
        known = self._known.get(key)
        if known is not None:
            self._known.move_to_end(key)
            return known
        found = await _validated(schema, document, rules)
        self._known[key] = found
        if len(self._known) > self._size:
            self._known.popitem(last=False)
        return found


async def _validated(
    schema: GraphQLSchema, document: DocumentNode, rules: Rules
) -> list[GraphQLError]:
    budget = current_budget()
    if budget is None:
        return checked(schema, document, rules)
    seconds = budget.validation_seconds
    work = asyncio.ensure_future(
        asyncio.to_thread(_checked_within, schema, document, rules, seconds)
    )
    # The thread stops itself once it has spent its budget of CPU time; the wall-clock wait is
    # a backstop for a thread that never gets the CPU on an overloaded machine.
    await asyncio.wait({work}, timeout=seconds * WALL_CLOCK_FACTOR)
    if not work.done():
        raise budget.validation_exceeded()
    try:
        return work.result()
    except ValidationOverBudget:
        raise budget.validation_exceeded() from None


class DocumentChecks(SchemaExtension):
    """Strawberry's hooks for the above, and the start of the execution budget."""

    def __init__(self, documents: CheckedDocuments) -> None:
        super().__init__()
        self._documents = documents

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            context.pre_execution_errors = await self._documents.errors(
                context.schema._schema,
                context.graphql_document,
                tuple(context.validation_rules),
            )
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        budget = current_budget()
        if budget is not None and self.execution_context.operation_type is OperationType.QUERY:
            budget.start_execution()
        yield
