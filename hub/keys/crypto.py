"""Field encryption at rest: AES-256-GCM with key ids, and an HMAC blind index for look-ups.

Identity numbers and contact details never reach Neo4j in clear. A ``FieldCipher`` encrypts a
value for one property (the property name is the associated data, so a ciphertext moved to
another property does not decrypt) and computes the blind index that the graph is searched by.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from graph.key_files import create_key_file, replace_key_file
from hub.errors import ConfigurationError

_NONCE_BYTES = 12
PERSON_ID_NUMBER = "Person.id_number"
"""The property identity numbers are sealed and blind-indexed under (one name everywhere)."""
KEYRING_FILE = "field-keys.json"


@dataclass(frozen=True)
class Sealed:
    """A ciphertext with the id of the key that made it."""

    ciphertext: str
    key_id: str


@dataclass(frozen=True)
class Keyring:
    """Data keys by id, the active one, and the blind-index key."""

    active_key_id: str
    data_keys: dict[str, bytes]
    blind_index_key: bytes

    def __post_init__(self) -> None:
        if self.active_key_id not in self.data_keys:
            raise ConfigurationError(f"field keyring: active key {self.active_key_id!r} missing")
        for key_id, key in self.data_keys.items():
            if len(key) != 32:
                raise ConfigurationError(f"field keyring: key {key_id!r} is not 256 bits")
        if len(self.blind_index_key) < 32:
            raise ConfigurationError("field keyring: blind index key shorter than 256 bits")


class FieldCipher:
    """Seals and opens field values. ``reload`` (optional) re-reads the keyring when a
    ciphertext names a key this process does not know yet (another host rotated keys)."""

    def __init__(self, keyring: Keyring, reload: Callable[[], Keyring] | None = None) -> None:
        self._reload = reload
        self._use(keyring)

    def _use(self, keyring: Keyring) -> None:
        self._keyring = keyring
        self._aeads = {kid: AESGCM(key) for kid, key in keyring.data_keys.items()}

    @property
    def active_key_id(self) -> str:
        return self._keyring.active_key_id

    def seal(self, field: str, plaintext: str) -> Sealed:
        nonce = os.urandom(_NONCE_BYTES)
        kid = self._keyring.active_key_id
        body = self._aeads[kid].encrypt(nonce, plaintext.encode(), field.encode())
        return Sealed(base64.b64encode(nonce + body).decode("ascii"), kid)

    def open(self, field: str, sealed: Sealed) -> str:
        aead = self._aeads.get(sealed.key_id)
        if aead is None and self._reload is not None:
            self._use(self._reload())
            aead = self._aeads.get(sealed.key_id)
        if aead is None:
            raise ConfigurationError(f"no field key {sealed.key_id!r} for {field}")
        raw = base64.b64decode(sealed.ciphertext)
        try:
            plain = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], field.encode())
        except InvalidTag:
            raise ConfigurationError(
                f"{field}: ciphertext does not open with key {sealed.key_id!r} (wrong key?)"
            ) from None
        return plain.decode()

    def blind_index(self, field: str, plaintext: str) -> str:
        """A keyed, deterministic look-up token: equal inputs give equal tokens."""
        mac = hmac.new(self._keyring.blind_index_key, field.encode() + b"\x00", hashlib.sha256)
        mac.update(plaintext.encode())
        return mac.hexdigest()


def load_keyring(keys_dir: Path, *, create: bool) -> Keyring:
    """Read the keyring under ``keys_dir``; create a fresh one for local development."""
    path = keys_dir / KEYRING_FILE
    if not path.exists():
        if not create:
            raise ConfigurationError(f"field keyring {path} is missing")
        _write_new_keyring(path)
    try:
        raw = json.loads(path.read_text())
        return Keyring(
            active_key_id=raw["active"],
            data_keys={kid: base64.b64decode(k) for kid, k in raw["data_keys"].items()},
            blind_index_key=base64.b64decode(raw["blind_index_key"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"field keyring {path} is unreadable: {exc}") from None


def add_data_key(keys_dir: Path) -> str:
    """Add a fresh data key to the keyring and make it the active one; old keys stay (they
    still open the ciphertexts not yet re-encrypted). Returns the new key id."""
    path = keys_dir / KEYRING_FILE
    keyring = load_keyring(keys_dir, create=False)
    number = 1 + max(int(k[1:]) for k in keyring.data_keys if k[1:].isdigit())
    key_id = f"k{number}"
    body = {
        "active": key_id,
        "data_keys": {
            **{k: base64.b64encode(v).decode() for k, v in keyring.data_keys.items()},
            key_id: base64.b64encode(secrets.token_bytes(32)).decode(),
        },
        "blind_index_key": base64.b64encode(keyring.blind_index_key).decode(),
    }
    replace_key_file(path, json.dumps(body).encode())
    return key_id


def _write_new_keyring(path: Path) -> None:
    kid = "k1"
    body = {
        "active": kid,
        "data_keys": {kid: base64.b64encode(secrets.token_bytes(32)).decode()},
        "blind_index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    create_key_file(path, json.dumps(body).encode())


PSEUDONYM_KEY_FILE = "pseudonym.key"


def load_pseudonym_key(keys_dir: Path, *, create: bool) -> bytes:
    """The key behind ``HASH`` masks (per-unit pseudonyms)."""
    path = keys_dir / PSEUDONYM_KEY_FILE
    if not path.exists():
        if not create:
            raise ConfigurationError(f"pseudonym key {path} is missing")
        create_key_file(path, secrets.token_bytes(32))
    key = path.read_bytes()
    if len(key) < 32:
        raise ConfigurationError(f"pseudonym key {path} is shorter than 256 bits")
    return key
