"""One error hierarchy with public codes (API.md): every other exception is masked."""

from __future__ import annotations

from typing import ClassVar


class HubError(Exception):
    """Root of every error the hub reports on purpose; ``code`` is public."""

    code: ClassVar[str] = "INTERNAL"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def details(self) -> dict[str, object]:
        """Extra public facts for ``extensions`` (e.g. when a quota resets)."""
        return {}


class Unauthenticated(HubError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(HubError):
    code = "FORBIDDEN"
    http_status = 403


class BadInput(HubError):
    """Bad input: the message names the field and the rule."""

    code = "BAD_INPUT"
    http_status = 400

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class MethodNotAllowed(BadInput):
    http_status = 405

    def __init__(self) -> None:
        super().__init__("method", "POST /graphql only (with a JSON body)")


class NotFound(HubError):
    code = "NOT_FOUND"
    http_status = 404


class Unavailable(HubError):
    code = "UNAVAILABLE"
    http_status = 503


class ConfigurationError(HubError):
    """Raised at start-up for bad settings or key material; never reaches a client."""

    code = "INTERNAL"


class ImportRejected(HubError):
    """An import file with bad records: nothing was written."""

    code = "BAD_INPUT"
    http_status = 400

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} bad record(s); nothing was imported")
        self.problems = problems
