"""Authentication (bearer JWTs, EdDSA) and the refusals around it; every refusal is audited."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from neo4j import Driver

from hub.keys.signing import PUBLIC_KEY_FILE, ensure_dev_signing_key
from hub.settings import Settings
from tests.support.hubtest import ACME, HubClient, audit_events, hub_client, token

QUERY = '{ enterprise(uscc: "%s") { name } }' % ACME


pytestmark = pytest.mark.hub(records=None)


def _claims(settings: Settings, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "mallory",
        "roles": ["agency_analyst"],
        "unit": "U-TAX",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _refused(client: HubClient, authorization: str | None) -> str:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await client.post(QUERY, role=None, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in response.json()
    message: str = error["message"]
    return message


async def test_a_request_without_a_token_gets_401_and_is_audited(
    client: HubClient, graph: Driver
) -> None:
    assert await _refused(client, None) == "missing Authorization: Bearer <token>"
    [event] = audit_events(graph)
    assert event["decision"] == "UNAUTHENTICATED"
    assert event["error_codes"] == ["UNAUTHENTICATED"]
    assert "user" not in event


async def test_a_valid_token_is_accepted(client: HubClient) -> None:
    response = await client.post(QUERY)
    assert response.status_code == 200


async def test_an_expired_token_is_refused(client: HubClient, settings: Settings) -> None:
    expired = token(settings, "agency_analyst", ttl=-120)
    assert await _refused(client, f"Bearer {expired}") == "token expired"


async def test_alg_none_is_refused(client: HubClient, settings: Settings) -> None:
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_claims(settings)) + "."
    assert (await _refused(client, f"Bearer {unsigned}")).startswith("invalid token")


async def test_hmac_signed_with_the_public_key_is_refused(
    client: HubClient, settings: Settings
) -> None:
    public_pem = (settings.keys_dir / PUBLIC_KEY_FILE).read_bytes()
    header = _b64({"alg": "HS256", "typ": "JWT"})
    body = _b64(_claims(settings))
    import hashlib
    import hmac

    signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{body}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    assert (await _refused(client, f"Bearer {forged}")).startswith("invalid token")


async def test_a_token_signed_by_another_key_is_refused(
    client: HubClient, settings: Settings
) -> None:
    forged = jwt.encode(_claims(settings), Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert (await _refused(client, f"Bearer {forged}")).startswith("invalid token")


@pytest.mark.parametrize(
    ("claim", "value"),
    [("iss", "someone-else"), ("aud", "another-service"), ("roles", ["superuser"]), ("unit", "")],
)
async def test_tokens_with_wrong_claims_are_refused(
    client: HubClient, settings: Settings, claim: str, value: object
) -> None:
    ensure_dev_signing_key(settings.keys_dir)
    from hub.keys.signing import PRIVATE_KEY_FILE, _load_private

    key = _load_private(settings.keys_dir / PRIVATE_KEY_FILE)
    forged = jwt.encode(_claims(settings, **{claim: value}), key, algorithm="EdDSA")
    assert (await _refused(client, f"Bearer {forged}")).startswith("invalid token")


async def test_a_non_bearer_scheme_is_refused(client: HubClient) -> None:
    assert await _refused(client, "Basic dXNlcjpwYXNz") == "Authorization must be 'Bearer <token>'"


async def test_get_is_not_allowed(client: HubClient) -> None:
    response = await client.http.get("/graphql", params={"query": QUERY})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_an_oversized_body_is_refused(graph: Driver, settings: Settings) -> None:
    capped = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
            "CREDIT_HUB_MAX_BODY_BYTES": "2048",
        }
    )
    async with hub_client(capped) as client:
        response = await client.post('{ enterprise(uscc: "%s") { name } }' % ACME + " " * 3000)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "body: larger than 2048 bytes"


async def test_health_answers_without_a_token_and_readiness_checks_neo4j(
    client: HubClient, settings: Settings
) -> None:
    assert (await client.http.get("/healthz")).json() == {"status": "ok"}
    assert (await client.http.get("/readyz")).json() == {"status": "ready", "neo4j": "up"}
    down = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": "bolt://127.0.0.1:1",
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
        }
    )
    async with hub_client(down) as unready:
        response = await unready.http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "neo4j": "down"}
