"""From a GraphQL selection and the caller's decisions to what the graph is asked for.

Fragments, inline fragments, aliases and ``@skip``/``@include`` are resolved here, once, for a
root field. As in graphql-core's field collection, a fragment spread a second time into the
same selection adds nothing and is not walked again, so the walk stays linear in the document
however often a fragment is spread (``schema.cost`` bounds the expansion before this runs).
A field the caller may not see is left out (and recorded as denied); a field shown
masked is recorded as masked. The result is a ``graph.selection.Selection``.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_directive_values

from graph.selection import Selection
from hub.audit.disclosure import Disclosure
from hub.policy.engine import Decisions


class Planner:
    def __init__(self, info: GraphQLResolveInfo[Any], decisions: Decisions, disclosure: Disclosure):
        self._info = info
        self._decisions = decisions
        self._disclosure = disclosure

    def root_selection(self) -> Selection:
        """The selection under the current root field, for its (object) return type."""
        field = self._info.parent_type.fields[self._info.field_name]
        return_type = get_named_type(field.type)
        assert isinstance(return_type, GraphQLObjectType)
        return self.selection_for(return_type)

    def selection_for(self, object_type: GraphQLObjectType) -> Selection:
        """The selection of the current field's nodes that applies to ``object_type``."""
        selection = Selection(object_type.name)
        spread: set[str] = set()
        for node in self._info.field_nodes:
            if node.selection_set is not None:
                self._collect(node.selection_set, object_type, selection, spread)
        return selection

    def _collect(
        self,
        selection_set: SelectionSetNode,
        object_type: GraphQLObjectType,
        target: Selection,
        spread: set[str],
    ) -> None:
        """Collect into ``target``; ``spread`` names the fragments already collected into it."""
        for node in selection_set.selections:
            if not isinstance(node, FieldNode | InlineFragmentNode | FragmentSpreadNode):
                continue
            if not self._included(node):
                continue
            if isinstance(node, FieldNode):
                self._field(node, object_type, target)
            elif isinstance(node, InlineFragmentNode):
                if _applies(node.type_condition, object_type):
                    self._collect(node.selection_set, object_type, target, spread)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in spread:
                spread.add(node.name.value)
                fragment = self._info.fragments[node.name.value]
                if _applies(fragment.type_condition, object_type):
                    self._collect(fragment.selection_set, object_type, target, spread)

    def _field(self, node: FieldNode, object_type: GraphQLObjectType, target: Selection) -> None:
        name = node.name.value
        if name.startswith("__"):
            return
        coordinate = f"{object_type.name}.{name}"
        decision = self._decisions.field(coordinate)
        if not decision.allowed:
            self._disclosure.denied.add(coordinate)
            return
        if not decision.mask.is_clear:
            self._disclosure.masked.add(coordinate)
        child_type = get_named_type(object_type.fields[name].type)
        child: Selection | None = None
        if isinstance(child_type, GraphQLObjectType) and node.selection_set is not None:
            child = Selection(child_type.name)
            self._collect(node.selection_set, child_type, child, set())
        target.merge(name, child)

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        variables = self._info.variable_values
        skip = get_directive_values(GraphQLSkipDirective, node, variables)
        if skip is not None and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, variables)
        return not (include is not None and include.get("if") is False)


def _applies(type_condition: object, object_type: GraphQLObjectType) -> bool:
    if type_condition is None:
        return True
    name = getattr(getattr(type_condition, "name", None), "value", None)
    return name == object_type.name
