"""The one place errors become client-facing JSON: public codes only, internals masked."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from hub.errors import HubError

log = logging.getLogger("credit_hub.errors")
# graphql-core's suggestions ("Did you mean 'uscc'?", "Did you mean the enum value 'BLACK'?")
# name schema members in quotes; GraphQL names hold no "?", so a suggestion ends at the first.
# They can sit anywhere in a message (an input-field error goes on with "Found: ...").
_SUGGESTION = re.compile(r"\s*Did you mean\b[^?]*\?")


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **(details or {})}}


def format_graphql_error(
    error: GraphQLError, request_id: str, *, suggestions: bool
) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, HubError) and original.code != "INTERNAL":
        body = error_body(original.code, original.message, original.details)
    elif original is None or isinstance(original, GraphQLError):
        # Syntax and validation errors, and variables that do not coerce (an unknown enum
        # value): the client's query is at fault.
        message = error.message if suggestions else _SUGGESTION.sub("", error.message)
        body = error_body("BAD_INPUT", message)
    else:
        log.error("request %s: unexpected error", request_id, exc_info=original)
        body = error_body("INTERNAL", f"internal error (request id {request_id})")
    if error.path is not None:
        body["path"] = list(error.path)
    if error.locations and (original is None or isinstance(original, GraphQLError)):
        body["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return body
