"""Tests of hub/http/: the GraphQL path, authentication, the IDE page."""
