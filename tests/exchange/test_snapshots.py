"""Signed list snapshots (R18, hub/exchange/snapshots.py): what a receiver refuses before
writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.errors import BadInput
from hub.exchange.snapshots import SnapshotRefused, load_trust, open_snapshot, public_key_text, seal

ENTRY = {"id": "E-2021-0001", "list": "BLACK", "subject": {"uscc": "91110000600037341L"}}
EXIT = {"id": "E-2020-0003", "exited_on": "2026-01-05", "exit_reason": "EXPIRED"}


def _seal(key: Ed25519PrivateKey, sequence: int = 1, **overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "key": key,
        "key_id": "city-a-2026",
        "platform": "CITY-A",
        "unit": None,
        "sequence": sequence,
        "generated_at": "2026-11-26T14:00:00Z",
        "since": None,
        "until": "2026-11-26T14:00:00Z",
        "entries": [ENTRY],
        "exits": [EXIT],
    }
    arguments.update(overrides)
    return seal(**arguments)


def _trust(tmp_path: Path, key: Ed25519PrivateKey, *, revoked: bool = False) -> Path:
    path = tmp_path / ("revoked-keys.json" if revoked else "trusted-keys.json")
    item = {"id": "city-a-2026", "platform": "CITY-A", "public_key": public_key_text(key)}
    path.write_bytes(orjson.dumps({"keys": [{**item, "revoked": revoked}]}))
    return path


def _refused(document: bytes, trust: Path, last: int | None = None) -> str:
    with pytest.raises(SnapshotRefused) as caught:
        open_snapshot(document, load_trust(trust), lambda platform: last)
    return caught.value.rule


def test_a_signed_snapshot_from_a_trusted_key_opens(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    snapshot = open_snapshot(_seal(key, 3), load_trust(_trust(tmp_path, key)), lambda p: 2)
    assert (snapshot.platform, snapshot.sequence, snapshot.key_id) == ("CITY-A", 3, "city-a-2026")
    assert snapshot.entries == [ENTRY]
    assert snapshot.exits == [EXIT]
    assert snapshot.manifest["counts"] == {"entries": 1, "exits": 1}
    assert snapshot.manifest["digest"].startswith("sha256:")


def test_unknown_and_revoked_keys_are_refused(tmp_path: Path) -> None:
    key, stranger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    trust = _trust(tmp_path, key)
    assert "unknown key" in _refused(_seal(key, key_id="someone-else"), trust)
    # The right key id with another key's signature does not verify.
    assert "signature" in _refused(_seal(stranger), trust)
    assert "revoked key" in _refused(_seal(key), _trust(tmp_path, key, revoked=True))
    assert "belongs to CITY-A" in _refused(_seal(key, platform="CITY-B"), trust)


def test_an_altered_file_is_refused(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    trust = _trust(tmp_path, key)
    document = orjson.loads(_seal(key))
    document["payload"]["entries"][0]["list"] = "RED"
    assert "digest" in _refused(orjson.dumps(document), trust)
    document = orjson.loads(_seal(key))
    document["manifest"]["sequence"] = 99
    assert "signature" in _refused(orjson.dumps(document), trust)
    document = orjson.loads(_seal(key))
    document["payload"]["exits"] = []
    document["manifest"]["digest"] = "sha256:" + "0" * 64
    assert "signature" in _refused(orjson.dumps(document), trust)
    assert "not a signed snapshot" in _refused(b"{}", trust)
    assert "not a signed snapshot" in _refused(_seal(key)[:-2], trust)


def test_replays_of_older_or_the_same_snapshot_are_refused(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    trust = _trust(tmp_path, key)
    assert "replay" in _refused(_seal(key, 5), trust, last=5)
    assert "replay" in _refused(_seal(key, 4), trust, last=5)
    assert open_snapshot(_seal(key, 6), load_trust(trust), lambda p: 5).sequence == 6


def test_a_bad_trust_file_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('{"keys": [{"id": "k", "platform": "P", "public_key": "!!"}]}')
    with pytest.raises(BadInput):
        load_trust(path)
