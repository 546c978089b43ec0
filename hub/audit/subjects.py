"""Whose access history is asked for: a subject named by an officer, or the data subject who
holds the token (docs/audit.md, "Self-service").

Audit records name subjects as ``Enterprise:<uscc>`` or ``Person:<opaque id>``. A person asked
for by identity number is found by its blind index in the same Cypher query that reads the
history, so the number itself never reaches the query, the audit store or a log.

**Self-service tokens.** Role ``data_subject``, unit ``SELF``, and a ``sub`` claim that binds
the token to one subject: ``person:<blind index of the identity number>`` (64 hex digits, the
HMAC that ``FieldCipher.blind_index("Person.id_number", ...)`` computes) or
``enterprise:<uscc>``. The identity provider issues it after real-name verification (locally:
``credit-hub audit subject-token``). The hub never accepts a subject from the request: the
binding is the token's.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from hub.errors import BadInput, Forbidden
from hub.keys.crypto import FieldCipher
from hub.validation.identifiers import valid_id_number, valid_uscc

DATA_SUBJECT = "data_subject"
PERSON_ID_NUMBER = "Person.id_number"
PERSON_CLAIM = "person:"
ENTERPRISE_CLAIM = "enterprise:"
_BIDX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class SubjectKey:
    """Either the exact audit subject (``Enterprise:<uscc>``) or a person's blind index."""

    subject: str | None = None
    bidx: str | None = None

    @property
    def label(self) -> str:
        return self.subject or f"Person:bidx:{self.bidx}"


def subject_key(cipher: FieldCipher, uscc: str | None, id_number: str | None) -> SubjectKey:
    """From a ``SubjectInput``: exactly one of the two keys."""
    if (uscc is None) == (id_number is None):
        raise BadInput("subject", "give exactly one of uscc and idNumber")
    if uscc is not None:
        return SubjectKey(subject=f"Enterprise:{valid_uscc(uscc, 'subject.uscc')}")
    assert id_number is not None
    number = valid_id_number(id_number, "subject.idNumber")
    return SubjectKey(bidx=cipher.blind_index(PERSON_ID_NUMBER, number))


def subject_claim(cipher: FieldCipher, *, id_number: str | None, uscc: str | None) -> str:
    """The ``sub`` of a self-service token for this subject."""
    key = subject_key(cipher, uscc, id_number)
    if key.bidx is not None:
        return PERSON_CLAIM + key.bidx
    assert key.subject is not None
    return ENTERPRISE_CLAIM + key.subject.removeprefix("Enterprise:")


def bound_subject(roles: Collection[str], claim: str) -> SubjectKey:
    """The subject a data subject's token (its ``roles`` and ``sub`` claim) is bound to;
    refused for any other token."""
    if DATA_SUBJECT not in roles:
        raise Forbidden("only a data subject's own token has an access history of its own")
    if claim.startswith(PERSON_CLAIM) and _BIDX.match(claim.removeprefix(PERSON_CLAIM)):
        return SubjectKey(bidx=claim.removeprefix(PERSON_CLAIM))
    if claim.startswith(ENTERPRISE_CLAIM):
        try:
            uscc = valid_uscc(claim.removeprefix(ENTERPRISE_CLAIM), "sub")
        except BadInput:
            raise Forbidden("the token is not bound to a subject") from None
        return SubjectKey(subject=f"Enterprise:{uscc}")
    raise Forbidden("the token is not bound to a subject")
