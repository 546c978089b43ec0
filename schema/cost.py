"""A cost limit for queries: each field costs 1, and what is selected under a list field is
counted ``LIST_FACTOR`` times (a list answer repeats its selection). A query over
``MAX_COST`` is refused before it runs, whatever its depth or aliases."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)

MAX_COST = 5_000
LIST_FACTOR = 10


def _is_list(type_: GraphQLOutputType) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)


class QueryCostRule(ValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._fragments = {
            f.name.value: f
            for f in context.document.definitions
            if isinstance(f, FragmentDefinitionNode)
        }

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        schema = self.context.schema
        root = schema.get_root_type(node.operation)
        if root is None:
            return
        cost = self._cost(node.selection_set, root, depth=0)
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(f"query cost {cost} exceeds the limit of {MAX_COST}", node)
            )

    def _cost(self, selection_set: SelectionSetNode | None, parent: Any, depth: int) -> int:
        if selection_set is None or depth > 20 or not isinstance(parent, GraphQLObjectType):
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                field = parent.fields.get(selection.name.value)
                if field is None:
                    continue
                child = self._cost(selection.selection_set, get_named_type(field.type), depth + 1)
                total += 1 + child * (LIST_FACTOR if _is_list(field.type) else 1)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.context.schema.get_type(condition.name.value) if condition else parent
                total += self._cost(selection.selection_set, target, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self._fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.context.schema.get_type(fragment.type_condition.name.value)
                    total += self._cost(fragment.selection_set, target, depth + 1)
        return total
