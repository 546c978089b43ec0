"""The GraphQL schema: strawberry types, inputs, scalars, resolvers, limits and the schema build.
Imports the desks below it (hub.lifecycle, hub.sanctions, hub.reading, hub.admin, ...), never
hub.http, hub.cli, hub.services or hub.federation.
"""
