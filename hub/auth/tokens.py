"""Authentication: bearer JWTs signed with an asymmetric key (EdDSA or ES256).

The hub holds only the public key. Signature, expiry, issuer and audience are checked; the
accepted algorithms are fixed by the key's type, so ``alg: none`` and HS/RS confusion (a token
"signed" with the public key as an HMAC secret) are rejected.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from hub.errors import ConfigurationError, Unauthenticated
from hub.policy.roles import ROLES
from hub.validation.unit_codes import token_unit_problem

VerifyingKey = Ed25519PublicKey | EllipticCurvePublicKey
CLOCK_SKEW_SECONDS = 30
VERIFIED_TOKENS_KEPT = 10_000


@dataclass(frozen=True)
class Caller:
    """Who asks: from a verified token only."""

    subject: str
    roles: tuple[str, ...]
    unit: str


class TokenVerifier:
    def __init__(self, public_key: VerifyingKey, issuer: str, audience: str) -> None:
        self._key = public_key
        self._issuer = issuer
        self._audience = audience
        self._algorithms = ["EdDSA"] if isinstance(public_key, Ed25519PublicKey) else ["ES256"]
        self._verified: dict[str, tuple[Caller, float]] = {}

    @classmethod
    def from_pem_file(cls, path: Path, issuer: str, audience: str) -> TokenVerifier:
        try:
            key = load_pem_public_key(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"token verification key {path}: {exc}") from None
        if not isinstance(key, Ed25519PublicKey | EllipticCurvePublicKey):
            raise ConfigurationError(f"token verification key {path}: must be Ed25519 or P-256")
        return cls(key, issuer, audience)

    def verify(self, authorization: str | None) -> Caller:
        """The caller of a valid token. A token verified once is remembered until it expires,
        so a client reusing its token does not pay for a signature check per request."""
        token = _bearer(authorization)
        known = self._verified.get(token)
        if known is not None:
            caller, expires = known
            if time.time() <= expires + CLOCK_SKEW_SECONDS:
                return caller
            del self._verified[token]
            raise Unauthenticated("token expired")
        caller, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (caller, expires)
        return caller

    def _verify(self, token: str) -> tuple[Caller, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=self._algorithms,
                issuer=self._issuer,
                audience=self._audience,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        return _caller(claims), float(claims["exp"])


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("missing Authorization: Bearer <token>")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must be 'Bearer <token>'")
    return token.strip()


def _caller(claims: dict[str, object]) -> Caller:
    roles = claims.get("roles")
    unit = claims.get("unit")
    subject = claims.get("sub")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("invalid token: claim 'roles' must be a non-empty list of roles")
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise Unauthenticated(f"invalid token: unknown role(s) {', '.join(unknown)}")
    if not isinstance(unit, str) or not unit:
        raise Unauthenticated("invalid token: claim 'unit' must name the caller's unit")
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("invalid token: claim 'sub' is required")
    # A unit code or SELF (hub.unit_codes); whether the platform knows the unit is asked per
    # request (hub.known_units): units change, a verified token is remembered.
    problem = token_unit_problem(unit, roles)
    if problem is not None:
        raise Unauthenticated(f"invalid token: claim 'unit': {problem}")
    return Caller(subject=subject, roles=tuple(sorted(set(roles))), unit=unit)
