"""The HTTP surface: the GraphQL endpoint, error output, the IDE page.
Imports the schema and every desk below it; nothing imports it but the app.
"""
