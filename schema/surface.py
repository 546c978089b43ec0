"""What the policy decides on in a built schema: its operations, fields and limited arguments.

``hub.policy.engine`` lints rules against this surface and asks Casbin about each coordinate in it;
the hub's services, the policy check and the published SDL all derive it from one schema.
"""

from __future__ import annotations

from graphql import GraphQLInt, GraphQLObjectType, get_named_type

from hub.policy.engine import ENTRY_SCOPE_UNIT, SchemaSurface
from schema.build import HubSchema, root_object_types


def schema_surface(schema: HubSchema) -> SchemaSurface:
    graphql_schema = schema._schema
    operations = {
        f"{root.name}.{name}"
        for root in (graphql_schema.query_type, graphql_schema.mutation_type)
        if isinstance(root, GraphQLObjectType)
        for name in root.fields
    }
    fields = {
        f"{object_type.name}.{name}"
        for object_type in root_object_types(graphql_schema)
        for name in object_type.fields
    } | {ENTRY_SCOPE_UNIT}
    arguments = {
        f"{root.name}.{name}.{argument_name}"
        for root in (graphql_schema.query_type, graphql_schema.mutation_type)
        if isinstance(root, GraphQLObjectType)
        for name, field in root.fields.items()
        for argument_name, argument in field.args.items()
        if get_named_type(argument.type) is GraphQLInt
    }
    return SchemaSurface(frozenset(operations), frozenset(fields), frozenset(arguments))


__all__ = ["schema_surface"]
