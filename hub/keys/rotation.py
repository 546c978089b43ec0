"""``credit-hub keys rotate``: a new data key, and every sealed identifier re-encrypted under
it in batches while the hub keeps serving; and the start-up proof that the keys open the data.

Hub processes that meet a ciphertext under a key they do not know re-read the keyring
(``FieldCipher`` reload), so a rotation on one host is picked up by the others once the new
keyring file reaches them (a shared secret volume or the deployment's secret store). A lost or
wrong key never returns garbage: AES-GCM refuses to open, and the hub refuses to start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver, Driver

from graph.driver import open_driver
from graph.keys_store import RESEAL, SAMPLE_PER_KEY, SEALED_UNDER_OTHER_KEYS
from hub.errors import ConfigurationError
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher, Sealed, add_data_key, load_keyring
from hub.settings import Settings

BATCH = 2_000
SAMPLE_PER_KEY_COUNT = 3
SAMPLE_SCAN = 10_000


@dataclass(frozen=True)
class RotationSummary:
    key_id: str
    resealed: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"active key {self.key_id}: {self.resealed} identity numbers re-encrypted "
            f"in {self.seconds:.1f} s"
        )


def rotate(settings: Settings, batch: int = BATCH) -> RotationSummary:
    started = time.perf_counter()
    key_id = add_data_key(settings.keys_dir)
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    resealed = 0
    with open_driver(settings) as driver:
        while True:
            rows = _reseal_batch(driver, settings.neo4j_database, cipher, batch)
            if rows is None:
                break
            resealed += rows
    return RotationSummary(key_id, resealed, time.perf_counter() - started)


def _reseal_batch(driver: Driver, database: str, cipher: FieldCipher, batch: int) -> int | None:
    records, _, _ = driver.execute_query(
        SEALED_UNDER_OTHER_KEYS, active=cipher.active_key_id, limit=batch, database_=database
    )
    if not records:
        return None
    rows: list[dict[str, Any]] = []
    for record in records:
        plain = cipher.open(PERSON_ID_NUMBER, Sealed(record["ciphertext"], record["key_id"]))
        sealed = cipher.seal(PERSON_ID_NUMBER, plain)
        rows.append(
            {
                "id": record["id"],
                "old_key_id": record["key_id"],
                "old_ciphertext": record["ciphertext"],
                "ciphertext": sealed.ciphertext,
                "key_id": sealed.key_id,
            }
        )
    written, _, _ = driver.execute_query(RESEAL, rows=rows, database_=database)
    return int(written[0]["resealed"])


async def prove_keys_open_the_data(driver: AsyncDriver, database: str, cipher: FieldCipher) -> None:
    """At start-up: a sample of the sealed identifiers under each key must open, or the hub
    does not start (a lost or wrong key fails loudly, never as garbage later)."""
    async with driver.session(database=database) as session:
        result = await session.run(SAMPLE_PER_KEY, per_key=SAMPLE_PER_KEY_COUNT, scan=SAMPLE_SCAN)
        samples = [record.data() async for record in result]
    for sample in samples:
        for ciphertext in sample["ciphertexts"]:
            try:
                cipher.open(PERSON_ID_NUMBER, Sealed(ciphertext, sample["key_id"]))
            except ConfigurationError as exc:
                raise ConfigurationError(
                    f"the field keyring does not open the stored identity numbers: {exc.message}"
                ) from None
