"""Inputs shared by several root fields."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A subject: exactly one of the two keys.")
class SubjectInput:
    uscc: str | None = None
    id_number: str | None = None
