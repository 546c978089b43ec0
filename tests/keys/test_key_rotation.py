"""Encryption at rest: keys rotate while the hub serves, and a lost or wrong key fails loudly
at start-up instead of returning garbage."""

from __future__ import annotations

import base64
import json
import secrets

import pytest
from neo4j import AsyncGraphDatabase, Driver

from graph.local import credentials_for
from hub.errors import ConfigurationError
from hub.importing.run import import_file
from hub.keys.crypto import KEYRING_FILE, FieldCipher, load_keyring
from hub.keys.rotation import prove_keys_open_the_data, rotate
from hub.settings import Settings
from tests.support.hubtest import DATA, ZHANG_SAN, hub_client


def _key_ids(graph: Driver) -> set[str]:
    records, _, _ = graph.execute_query(
        "MATCH (p:Person) RETURN collect(DISTINCT p.id_number_kid) AS kids", database_="neo4j"
    )
    return set(records[0]["kids"])


async def test_rotation_reseals_every_identity_number_while_a_running_hub_keeps_reading(
    graph: Driver, settings: Settings
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    before = _key_ids(graph)
    async with hub_client(settings) as client:  # built with the old keyring in memory
        summary = rotate(settings, batch=2)
        result = await client.ask(
            '{ person(idNumber: "%s") { idNumber } }' % ZHANG_SAN, purpose="ENFORCEMENT"
        )
    assert summary.resealed == 3
    assert _key_ids(graph) == {summary.key_id} != before
    assert result["data"]["person"]["idNumber"] == ZHANG_SAN


async def test_a_wrong_key_stops_the_hub_at_start_up(
    graph: Driver, settings: Settings, neo4j_uri: str
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    keyring = json.loads((settings.keys_dir / KEYRING_FILE).read_text())
    for key_id in keyring["data_keys"]:
        keyring["data_keys"][key_id] = base64.b64encode(secrets.token_bytes(32)).decode()
    wrong = settings.data_dir.parent / "wrong-keys"
    wrong.mkdir(exist_ok=True)
    (wrong / KEYRING_FILE).write_text(json.dumps(keyring))
    driver = AsyncGraphDatabase.driver(neo4j_uri, auth=credentials_for(neo4j_uri))
    try:
        with pytest.raises(ConfigurationError) as refused:
            await prove_keys_open_the_data(
                driver, "neo4j", FieldCipher(load_keyring(wrong, create=False))
            )
    finally:
        await driver.close()
    assert "does not open the stored identity numbers" in refused.value.message


async def test_a_lost_key_stops_the_hub_at_start_up(
    graph: Driver, settings: Settings, neo4j_uri: str
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    keyring = json.loads((settings.keys_dir / KEYRING_FILE).read_text())
    keyring["data_keys"] = {"k99": base64.b64encode(secrets.token_bytes(32)).decode()}
    keyring["active"] = "k99"
    lost = settings.data_dir.parent / "lost-keys"
    lost.mkdir(exist_ok=True)
    (lost / KEYRING_FILE).write_text(json.dumps(keyring))
    driver = AsyncGraphDatabase.driver(neo4j_uri, auth=credentials_for(neo4j_uri))
    try:
        with pytest.raises(ConfigurationError, match="no field key"):
            await prove_keys_open_the_data(
                driver, "neo4j", FieldCipher(load_keyring(lost, create=False))
            )
    finally:
        await driver.close()
