"""The audit signing key (Ed25519): signs checkpoints, retention marks and exports.

The private key lives under ``settings.keys_dir`` (``audit-ed25519.pem``, mode 0600), never in
Neo4j or a log; it is created on first use locally, and must exist in production. Verifiers
need only the public keys: every ``audit-ed25519*.pub.pem`` in the keys directory (the current
one and those retired by ``credit-hub audit rotate-key``), or files named on the command line.

A signed statement is a JSON object; the signature covers a domain tag and its canonical
encoding (sorted keys, compact), so a checkpoint's signature can not be replayed as an
export's. ``key_id`` is the first 16 hex digits of SHA-256 over the raw public key.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from graph.key_files import create_key_file
from hub.errors import ConfigurationError

PRIVATE_KEY_FILE = "audit-ed25519.pem"
PUBLIC_KEY_FILE = "audit-ed25519.pub.pem"
PUBLIC_KEY_GLOB = "audit-ed25519*.pub.pem"
SIGNATURE = "signature"

CHECKPOINT = b"credit-hub audit checkpoint v1\x00"
RETENTION = b"credit-hub audit retention v1\x00"
EXPORT = b"credit-hub audit export v1\x00"


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _statement(domain: bytes, body: Mapping[str, Any]) -> bytes:
    unsigned = {k: v for k, v in body.items() if k != SIGNATURE}
    return domain + orjson.dumps(unsigned, option=orjson.OPT_SORT_KEYS)


class AuditSigner:
    """Signs statements with the audit private key."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = private.public_key()
        self.key_id = key_id(self.public)

    def sign(self, domain: bytes, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` with ``key_id`` and ``signature`` (base64) added."""
        body["key_id"] = self.key_id
        signature = self._private.sign(_statement(domain, body))
        body[SIGNATURE] = base64.b64encode(signature).decode("ascii")
        return body


@dataclass(frozen=True)
class AuditKeys:
    """Public keys by key id: what a verifier trusts."""

    public: dict[str, Ed25519PublicKey]

    def verify(self, domain: bytes, body: Mapping[str, Any]) -> str | None:
        """None if ``body`` carries a good signature by a trusted key, else what is wrong."""
        kid = body.get("key_id")
        key = self.public.get(kid) if isinstance(kid, str) else None
        if key is None:
            return f"signed by an unknown key {kid!r}"
        try:
            signature = base64.b64decode(str(body.get(SIGNATURE, "")), validate=True)
            key.verify(signature, _statement(domain, body))
        except (InvalidSignature, ValueError):
            return "bad signature"
        return None

    @classmethod
    def of(cls, keys: Iterable[Ed25519PublicKey]) -> AuditKeys:
        return cls({key_id(k): k for k in keys})

    def __reduce__(self) -> tuple[Any, tuple[list[bytes]]]:
        """Picklable (to verifying processes) as the raw public keys."""
        return _keys_from_raw, ([k.public_bytes_raw() for k in self.public.values()],)


def _keys_from_raw(raw: list[bytes]) -> AuditKeys:
    return AuditKeys.of(Ed25519PublicKey.from_public_bytes(r) for r in raw)


def load_audit_signer(keys_dir: Path, *, create: bool) -> AuditSigner:
    """The audit signing key; created locally on first use when ``create``."""
    path = keys_dir / PRIVATE_KEY_FILE
    if not path.exists():
        if not create:
            raise ConfigurationError(f"audit signing key {path} is missing")
        _write_new_key(keys_dir)
    signer = AuditSigner(_load_private(path))
    public_path = keys_dir / PUBLIC_KEY_FILE
    if not public_path.exists():
        public_path.write_bytes(_public_pem(signer.public))
    return signer


def load_audit_keys(keys_dir: Path, extra: Iterable[Path] = ()) -> AuditKeys:
    """Every audit public key in ``keys_dir`` (current and retired) plus ``extra`` files."""
    paths = sorted(keys_dir.glob(PUBLIC_KEY_GLOB)) + list(extra)
    return AuditKeys.of(_load_public(p) for p in paths)


def rotate_audit_key(keys_dir: Path) -> tuple[str, str]:
    """Retire the current key (its public half stays, as ``audit-ed25519.<kid>.pub.pem``) and
    create a new one; returns (old key id, new key id). Running hubs pick it up on restart."""
    old = load_audit_signer(keys_dir, create=False)
    retired = keys_dir / f"audit-ed25519.{old.key_id}.pub.pem"
    retired.write_bytes(_public_pem(old.public))
    (keys_dir / PRIVATE_KEY_FILE).unlink()
    (keys_dir / PUBLIC_KEY_FILE).unlink(missing_ok=True)
    new = _write_new_key(keys_dir)
    return old.key_id, key_id(new.public_key())


def _write_new_key(keys_dir: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    create_key_file(keys_dir / PRIVATE_KEY_FILE, pem)
    (keys_dir / PUBLIC_KEY_FILE).write_bytes(_public_pem(key.public_key()))
    return key


def _public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"audit signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"audit signing key {path} is not an Ed25519 private key")
    return key


def _load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"audit public key {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigurationError(f"audit public key {path} is not an Ed25519 public key")
    return key
