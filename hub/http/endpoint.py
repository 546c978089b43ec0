"""``POST /graphql``: authenticate, decide, execute, audit (durably), then answer.

The order is the privacy contract: nothing is answered before its audit record is committed;
if the record can not be written the caller gets UNAVAILABLE and no data.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from graph.round_trips import counting
from hub.audit.disclosure import Disclosure
from hub.audit.log import AuditRecord, audit_time
from hub.audit.variables import request_inputs
from hub.auth.tokens import Caller
from hub.errors import BadInput, HubError, MethodNotAllowed, Unauthenticated, Unavailable
from hub.http.error_output import error_body, format_graphql_error
from hub.keys.crypto import FieldCipher
from hub.policy.roles import PURPOSES
from hub.services import Hub
from hub.settings import Settings
from schema.budget import RequestBudget, request_budget

log = logging.getLogger("credit_hub.http")
JSON = "application/json"
_SPACES = re.compile(r"\s+")
# A document is at most 2,000 tokens (schema.build.MAX_TOKENS); this leaves long string
# literals room, and keeps any walk of the raw text (the audit record's hash) short.
MAX_QUERY_CHARS = 256 * 1024


@dataclass
class GraphQLRequest:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


@dataclass
class Outcome:
    """What the audit record says of one request."""

    request_id: str
    started: float
    caller: Caller | None = None
    purpose: str | None = None
    request: GraphQLRequest | None = None
    disclosure: Disclosure = field(default_factory=Disclosure)
    decision: str = "ALLOWED"
    error_codes: list[str] = field(default_factory=list)
    policy_version: str | None = None
    round_trips: int = 0


class GraphQLEndpoint:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    async def handle(self, request: Request) -> Response:
        outcome = Outcome(request_id=uuid.uuid4().hex, started=time.perf_counter())
        try:
            status, body = await self._answer(request, outcome)
        except Exception as exc:  # noqa: BLE001 - every failure is answered and audited
            public = _public_error(exc, outcome.request_id)
            outcome.decision = "ERROR" if public.code == "INTERNAL" else public.code
            outcome.error_codes.append(public.code)
            status = public.http_status
            body = {"errors": [error_body(public.code, public.message, public.details)]}
        payload = orjson.dumps(body)
        try:
            await self._hub.audit_log.write(
                _record(outcome, request, len(payload), self._hub.cipher)
            )
        except Unavailable as exc:
            payload = orjson.dumps({"errors": [error_body(exc.code, exc.message)]})
            return _response(exc.http_status, payload, outcome.request_id)
        return _response(status, payload, outcome.request_id)

    async def _answer(self, request: Request, outcome: Outcome) -> tuple[int, dict[str, Any]]:
        if request.method != "POST":
            # every method reaches here (hub.app) so the refusal is audited, naming the method
            outcome.disclosure.details["method"] = request.method[:16]
            raise MethodNotAllowed()
        outcome.caller = self._hub.verifier.verify(request.headers.get("authorization"))
        await self._hub.units.require(outcome.caller)
        outcome.purpose = _purpose(request.headers.get("x-purpose"))
        outcome.request = await _read_request(request, self._hub.settings.max_body_bytes)
        gql = outcome.request
        await self._hub.quotas.take(
            outcome.caller.unit, outcome.caller.roles, gql.query, gql.variables, gql.operation_name
        )
        return 200, await self._execute(outcome.request, outcome.caller, outcome)

    async def _execute(
        self, gql: GraphQLRequest, caller: Caller, outcome: Outcome
    ) -> dict[str, Any]:
        hub = self._hub
        policy = await hub.policies.current()
        context = hub.request_context(
            outcome.request_id, caller, outcome.purpose, policy, outcome.disclosure
        )
        outcome.policy_version = context.decisions.policy_version
        is_admin = "admin" in caller.roles
        schema = hub.admin_schema if is_admin else hub.schema
        writes = counting()
        try:
            async with request_budget(_budget(hub.settings)):
                result = await schema.execute(
                    gql.query,
                    variable_values=gql.variables,
                    context_value=context,
                    operation_name=gql.operation_name,
                )
        except CannotGetOperationTypeError:
            raise BadInput("operationName", "names no operation of the document") from None
        except InvalidOperationTypeError:
            raise BadInput("query", "only queries and mutations are served") from None
        outcome.round_trips = context.round_trips() + writes.count
        body: dict[str, Any] = {}
        if result.errors:
            errors = [
                format_graphql_error(e, outcome.request_id, suggestions=is_admin)
                for e in result.errors
            ]
            outcome.error_codes = [e["extensions"]["code"] for e in errors]
            outcome.decision = _decision(outcome, result.data is not None)
            body["errors"] = errors
        body["data"] = result.data
        _fail_closed_on_unavailable(outcome)
        return body


def _budget(settings: Settings) -> RequestBudget:
    return RequestBudget(settings.validation_budget_ms / 1000, settings.execution_budget_ms / 1000)


def _fail_closed_on_unavailable(outcome: Outcome) -> None:
    if "UNAVAILABLE" in outcome.error_codes:
        raise Unavailable("the credit graph is unavailable")


def _decision(outcome: Outcome, has_data: bool) -> str:
    codes = set(outcome.error_codes)
    if codes == {"FORBIDDEN"}:
        return "PARTIAL" if has_data and _anything_allowed(outcome) else "DENIED"
    if "INTERNAL" in codes:
        return "ERROR"
    if codes <= {"BAD_INPUT", "NOT_FOUND"}:
        return "BAD_INPUT" if not has_data else "PARTIAL"
    return "PARTIAL"


def _anything_allowed(outcome: Outcome) -> bool:
    asked = outcome.disclosure.operations
    return any(op not in outcome.disclosure.denied for op in asked)


def _public_error(exc: Exception, request_id: str) -> HubError:
    """The hub's own errors as they are; anything else logged and masked."""
    if isinstance(exc, HubError) and exc.code != "INTERNAL":
        return exc
    log.error("request %s: unexpected error", request_id, exc_info=exc)
    return HubError(f"internal error (request id {request_id})")


def _purpose(header: str | None) -> str | None:
    if header is None or not header.strip():
        return None
    purpose = header.strip().upper()
    if purpose not in PURPOSES:
        raise BadInput(
            "X-Purpose", f"unknown purpose {header.strip()!r}; one of {', '.join(PURPOSES)}"
        )
    return purpose


async def _read_request(request: Request, max_bytes: int) -> GraphQLRequest:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BadInput("body", f"larger than {max_bytes} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > max_bytes:
            raise BadInput("body", f"larger than {max_bytes} bytes")
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadInput("body", "must be a JSON object {query, variables, operationName}") from None
    return _graphql_request(parsed)


def _graphql_request(parsed: Any) -> GraphQLRequest:
    if not isinstance(parsed, dict):
        raise BadInput("body", "must be a JSON object {query, variables, operationName}")
    query = parsed.get("query")
    variables = parsed.get("variables")
    operation_name = parsed.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise BadInput("query", "a GraphQL document (string) is required")
    if len(query) > MAX_QUERY_CHARS:
        raise BadInput("query", f"longer than {MAX_QUERY_CHARS} characters")
    if variables is not None and not isinstance(variables, dict):
        raise BadInput("variables", "must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadInput("operationName", "must be a string")
    return GraphQLRequest(query, variables, operation_name)


def query_hash(query: str) -> str:
    return hashlib.sha256(_SPACES.sub(" ", query).strip().encode()).hexdigest()


def _record(outcome: Outcome, request: Request, size: int, cipher: FieldCipher) -> AuditRecord:
    caller, gql, disclosure = outcome.caller, outcome.request, outcome.disclosure
    inputs = request_inputs(gql.query if gql else None, gql.variables if gql else None, cipher)
    return AuditRecord(
        request_id=outcome.request_id,
        at=audit_time(),
        user=caller.subject if caller else None,
        unit=caller.unit if caller else None,
        roles=list(caller.roles) if caller else [],
        purpose=outcome.purpose,
        client=request.client.host if request.client else None,
        operation_name=gql.operation_name if gql else None,
        operations=disclosure.operations,
        query_hash=inputs.query_hash,
        subjects=sorted(disclosure.subjects),
        masked=sorted(disclosure.masked),
        denied=sorted(disclosure.denied),
        decision=outcome.decision,
        error_codes=outcome.error_codes,
        result_size=size,
        duration_ms=round((time.perf_counter() - outcome.started) * 1000, 3),
        policy_version=outcome.policy_version,
        variables_digest=inputs.variables_digest,
        variables=inputs.variables,
        extra={"round_trips": outcome.round_trips, **disclosure.check_tally, **disclosure.details},
    )


def _response(status: int, payload: bytes, request_id: str) -> Response:
    headers = {"X-Request-Id": request_id}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="credit-hub"'
    if status == 405:
        headers["Allow"] = "POST"
    return Response(payload, status_code=status, media_type=JSON, headers=headers)


__all__ = ["GraphQLEndpoint", "Unauthenticated", "query_hash"]
