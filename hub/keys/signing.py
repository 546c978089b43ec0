"""The local development signing key for bearer tokens (``credit-hub token``).

Production deployments give the hub only a public key (CREDIT_HUB_JWT_PUBLIC_KEY_FILE) and mint
tokens in their identity provider; locally the key pair is created under the data dir.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from graph.key_files import create_key_file
from hub.errors import BadInput, ConfigurationError
from hub.validation.unit_codes import token_unit_problem

PRIVATE_KEY_FILE = "jwt-ed25519.pem"
PUBLIC_KEY_FILE = "jwt-ed25519.pub.pem"


def ensure_dev_signing_key(keys_dir: Path) -> Path:
    """Create the local key pair if missing; return the public key's path."""
    private_path = keys_dir / PRIVATE_KEY_FILE
    public_path = keys_dir / PUBLIC_KEY_FILE
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        create_key_file(private_path, pem)
    if not public_path.exists():
        public = _load_private(private_path).public_key()
        public_path.write_bytes(
            public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return public_path


def _load_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 private key")
    return key


def mint_token(
    keys_dir: Path,
    *,
    roles: list[str],
    unit: str,
    subject: str,
    issuer: str,
    audience: str,
    ttl_seconds: int,
) -> str:
    problem = token_unit_problem(unit, roles)
    if problem is not None:  # the hub would refuse it: never sign it (issue 12)
        raise BadInput("unit", problem)
    ensure_dev_signing_key(keys_dir)
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "roles": roles,
        "unit": unit,
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _load_private(keys_dir / PRIVATE_KEY_FILE), algorithm="EdDSA")
