"""What one document may ask, measured in one walk that is linear in the document.

Each limit is measured on the document *as executed*, every fragment spread expanded, but
each fragment is measured once (in dependency order, memoised), so a chain of fragments that
each spread the next one many times costs one visit per fragment, not one per spread:

* depth: fields nested in one another (a field with a selection adds 1; introspection
  fields, ``__typename`` included, add nothing), at most ``MAX_DEPTH``;
* aliases: over all operations of the document, at most ``MAX_ALIASES``;
* cost: each field 1, what a list field selects counted ``LIST_FACTOR`` times (a list answer
  repeats its selection), at most ``MAX_COST`` per operation;
* selections: every field, fragment spread and inline fragment of the expansion, at most
  ``MAX_SELECTIONS`` per document (this bounds every later walk of the selection: the
  planner's, graphql-core's field collection);
* repeats: one selection set may name one response key, or spread one fragment, at most
  ``MAX_REPEATS`` times (graphql-core's ``OverlappingFieldsCanBeMergedRule`` compares such
  selections pairwise: 1,900 ``__typename`` in one selection cost it half a second).

A spread in a cycle counts nothing here (graphql-core's ``NoFragmentCyclesRule`` refuses it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)

MAX_DEPTH = 8
MAX_ALIASES = 30
MAX_COST = 5_000
MAX_SELECTIONS = 10_000
MAX_REPEATS = 30
LIST_FACTOR = 10
_CAP = 10**12  # every count saturates here: no input makes the arithmetic itself expensive


@dataclass(frozen=True, slots=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    selections: int = 0

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth),
            min(self.aliases + other.aliases, _CAP),
            min(self.cost + other.cost, _CAP),
            min(self.selections + other.selections, _CAP),
        )


NOTHING = Measure()
ONE_SELECTION = Measure(selections=1)


class DocumentMeasure:
    """Measures of a document's operations and selections; fragments measured once each."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self._schema = schema
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._measured: dict[str, Measure] = {}
        for name in dependency_order(self._fragments):
            fragment = self._fragments[name]
            own_type = schema.get_type(fragment.type_condition.name.value)
            self._measured[name] = self.selection_set(fragment.selection_set, own_type)

    def operation(self, node: OperationDefinitionNode) -> Measure:
        return self.selection_set(node.selection_set, self._schema.get_root_type(node.operation))

    def selection_sets(
        self, selection_sets: Iterable[SelectionSetNode | None], parent: GraphQLNamedType | None
    ) -> Measure:
        total = NOTHING
        for selection_set in selection_sets:
            if selection_set is not None:
                total = total + self.selection_set(selection_set, parent)
        return total

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> Measure:
        total = NOTHING
        for selection in selection_set.selections:
            total = total + self._selection(selection, parent)
        return total

    def _selection(self, node: SelectionNode, parent: GraphQLNamedType | None) -> Measure:
        if isinstance(node, FieldNode):
            return self._field(node, parent)
        if isinstance(node, InlineFragmentNode):
            target = self._narrowed(node.type_condition, parent)
            if target is None:
                return ONE_SELECTION
            return ONE_SELECTION + self.selection_set(node.selection_set, target)
        if isinstance(node, FragmentSpreadNode):
            fragment = self._fragments.get(node.name.value)
            if fragment is None or self._narrowed(fragment.type_condition, parent) is None:
                return ONE_SELECTION
            return ONE_SELECTION + self._measured.get(node.name.value, NOTHING)
        return NOTHING

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        name = node.name.value
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(name)
        aliases = 1 if node.alias is not None else 0
        own_cost = 1 if definition is not None else 0
        if node.selection_set is None:
            return Measure(0, aliases, own_cost, 1)
        child_type = get_named_type(definition.type) if definition is not None else None
        child = self.selection_set(node.selection_set, child_type)
        factor = LIST_FACTOR if definition is not None and _is_list(definition.type) else 1
        return Measure(
            0 if name.startswith("__") else 1 + child.depth,
            min(aliases + child.aliases, _CAP),
            min(own_cost + child.cost * factor, _CAP),
            min(1 + child.selections, _CAP),
        )

    def _narrowed(
        self, condition: NamedTypeNode | None, parent: GraphQLNamedType | None
    ) -> GraphQLNamedType | None:
        """The type a fragment's selection is measured for, or None where it never applies
        (a fragment on another object type than the object it is spread in)."""
        if condition is None:
            return parent
        target = self._schema.get_type(condition.name.value)
        if (
            isinstance(parent, GraphQLObjectType)
            and isinstance(target, GraphQLObjectType)
            and target is not parent
        ):
            return None
        return target


def dependency_order(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """Fragment names, each after every fragment it spreads (a spread closing a cycle is
    ignored). Iterative: a long chain of fragments can not exhaust the interpreter's stack."""
    order: list[str] = []
    state: dict[str, bool] = {}  # False while being visited, True once placed
    for root in fragments:
        if root in state:
            continue
        state[root] = False
        stack = [(root, iter(_spreads(fragments[root].selection_set)))]
        while stack:
            name, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                state[name] = True
                order.append(name)
            elif following in fragments and following not in state:
                state[following] = False
                stack.append((following, iter(_spreads(fragments[following].selection_set))))
    return order


def _spreads(selection_set: SelectionSetNode) -> list[str]:
    names: list[str] = []
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                pending.append(selection.selection_set)
    return names


def repeated_selection(document: DocumentNode) -> GraphQLError | None:
    """The first selection set naming one response key or fragment over ``MAX_REPEATS``
    times, as an error naming the limit (one pass over the document, no expansion)."""
    pending: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        selection_set = pending.pop()
        seen: dict[str, int] = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
            elif isinstance(selection, FragmentSpreadNode):
                key = "..." + selection.name.value
            else:
                key = ""
            if key:
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > MAX_REPEATS:
                    return GraphQLError(
                        f"one selection names {key!r} more than {MAX_REPEATS} times, "
                        f"beyond the limit of {MAX_REPEATS}",
                        selection_set,
                    )
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                pending.append(inner)
    return None


def document_limits(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The limits ``document`` exceeds, each error naming its limit (empty when within)."""
    repeated = repeated_selection(document)
    if repeated is not None:
        return [repeated]
    measure = DocumentMeasure(schema, document)
    errors: list[GraphQLError] = []
    total = NOTHING
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        measured = measure.operation(node)
        total = total + measured
        name = node.name.value if node.name else "anonymous"
        if measured.depth > MAX_DEPTH:
            errors.append(
                GraphQLError(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}", node)
            )
        if measured.cost > MAX_COST:
            errors.append(
                GraphQLError(f"query cost {measured.cost} exceeds the limit of {MAX_COST}", node)
            )
    if total.aliases > MAX_ALIASES:
        errors.append(GraphQLError(f"{total.aliases} aliases found. Allowed: {MAX_ALIASES}"))
    if total.selections > MAX_SELECTIONS:
        errors.append(
            GraphQLError(
                f"the document expands to {total.selections} selections (fragment spreads "
                f"counted each time they are spread), beyond the limit of {MAX_SELECTIONS}"
            )
        )
    return errors


def _is_list(type_: GraphQLOutputType) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)
