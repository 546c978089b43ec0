"""Settings: one frozen object read once from ``CREDIT_HUB_*`` environment variables.

| variable | meaning | default |
|---|---|---|
| CREDIT_HUB_NEO4J_URI | Bolt or routing URI of the graph | local: bolt://127.0.0.1:7687 |
| CREDIT_HUB_NEO4J_USER / _PASSWORD | credentials | `neo4j` / the local Neo4j's own (below) |
| CREDIT_HUB_NEO4J_PASSWORD_FILE | a file holding the password (a Docker secret) | none |

With no password given, a driver to a local Neo4j of ``credit-hub neo4j start`` uses the password
generated for it (0600 under its data dir; ``graph.driver.auth_for``).

| variable | meaning | default |
|---|---|---|
| CREDIT_HUB_NEO4J_DATABASE | database name | neo4j |
| CREDIT_HUB_AUDIT_NEO4J_URI | where audit records go | the credit graph's URI |
| CREDIT_HUB_DATA_DIR | keys and the local database | .local |
| CREDIT_HUB_JWT_PUBLIC_KEY_FILE | PEM key that verifies bearer tokens | the local dev key |
| CREDIT_HUB_JWT_ISSUER / _AUDIENCE | expected `iss` / `aud` | credit-hub-local / credit-hub |
| CREDIT_HUB_ENV | `development` or `production` (the IDE page is off in production) | development |
| CREDIT_HUB_MAX_BODY_BYTES | request size cap (a 10,000-entry push fits) | 8 MiB |
| CREDIT_HUB_AUDIT_RETENTION_DAYS | audit records kept at least this long | 1096 (3 years) |
| CREDIT_HUB_AUDIT_CHECKPOINT_RECORDS | a signed audit checkpoint every N records | 1000 |
| CREDIT_HUB_AUDIT_CHECKPOINT_SECONDS | ... or every T seconds | 60 |
| CREDIT_HUB_ANOMALY_LOOKUP_MISSES | a user's missed look-ups in a day: LOOKUP_MISSES from | 100 |
| CREDIT_HUB_ANOMALY_MISS_PERCENT | ... when at least this % of the day's look-ups | 90 |
| CREDIT_HUB_POLICY_DIR | policy files, re-read within 2 s of a change | the packaged policies/ |
| CREDIT_HUB_TRUSTED_PROXIES | IPs / CIDRs whose `X-Forwarded-For` names the client | none (peer) |
| CREDIT_HUB_MAX_HEADER_BYTES | request line + headers, larger is refused (431 or closed) | 16 KiB |
| CREDIT_HUB_HEADER_TIMEOUT_SECONDS | a connection must send its headers within this | 10 |
| CREDIT_HUB_MAX_PENDING_CONNECTIONS | connections awaiting headers; more evict the oldest | 64 |
| CREDIT_HUB_LIMIT_CONCURRENCY | connections + requests in flight, beyond that 503 | 512 |
| CREDIT_HUB_KEEP_ALIVE_SECONDS | an idle keep-alive connection is closed after | 5 |
| CREDIT_HUB_BACKLOG | the listen backlog | 256 |
| CREDIT_HUB_VALIDATION_BUDGET_MS | longest a validation may take (else BAD_INPUT) | 500 |
| CREDIT_HUB_EXECUTION_BUDGET_MS | longest a query's execution may take (else BAD_INPUT) | 10000 |

The local Neo4j of ``credit-hub neo4j start`` (``graph.local``; sizes are checked when it starts):

| variable | meaning | default |
|---|---|---|
| CREDIT_HUB_NEO4J_HEAP | its maximum heap, e.g. `512m` or `1g` | 512m |
| CREDIT_HUB_NEO4J_PAGECACHE | its page cache (a bench graph wants gigabytes) | 64m |
| CREDIT_HUB_NEO4J_JAVA_OPTS | extra JVM flags, appended last | none |
| CREDIT_HUB_NEO4J_CDS | `0` (or false, no, off): no class-data sharing | on |
| CREDIT_HUB_CACHE | jars, compiled launcher, class-data archives | ~/.cache/credit-hub |
| JAVA_HOME | which Java 17+ runs it | `java` on PATH |
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graph.local.config import DEFAULT_HEAP, DEFAULT_PAGECACHE, LocalNeo4jConfig
from hub.errors import ConfigurationError

LOCAL_NEO4J_PORT = 7687
DEFAULT_NEO4J_USER = "neo4j"


@dataclass(frozen=True)
class MissRule:
    """When look-ups that miss are an anomaly (``LOOKUP_MISSES``): at least ``at_least`` misses
    by one user on one day, making at least ``percent`` % of that day's look-ups."""

    at_least: int = 100
    percent: int = 90


@dataclass(frozen=True)
class Secret:
    """A value that never prints."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "********" if self.value else ""


@dataclass(frozen=True)
class ServerLimits:
    """What one uvicorn process holds for a caller before the hub sees a request."""

    max_header_bytes: int = 16 * 1024
    header_timeout_seconds: float = 10.0
    max_pending_connections: int = 64
    limit_concurrency: int = 512
    keep_alive_seconds: int = 5
    backlog: int = 256

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServerLimits:
        return cls(
            max_header_bytes=_positive_int(env, "CREDIT_HUB_MAX_HEADER_BYTES", 16 * 1024),
            header_timeout_seconds=float(
                _positive_int(env, "CREDIT_HUB_HEADER_TIMEOUT_SECONDS", 10)
            ),
            max_pending_connections=_positive_int(env, "CREDIT_HUB_MAX_PENDING_CONNECTIONS", 64),
            limit_concurrency=_positive_int(env, "CREDIT_HUB_LIMIT_CONCURRENCY", 512),
            keep_alive_seconds=_positive_int(env, "CREDIT_HUB_KEEP_ALIVE_SECONDS", 5),
            backlog=_positive_int(env, "CREDIT_HUB_BACKLOG", 256),
        )


@dataclass(frozen=True)
class Settings:
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: Secret
    neo4j_database: str
    audit_neo4j_uri: str
    data_dir: Path
    jwt_public_key_file: Path | None
    jwt_issuer: str
    jwt_audience: str
    environment: str
    max_body_bytes: int
    policy_dir: Path | None = None
    audit_retention_days: int = 1096
    audit_checkpoint_records: int = 1000
    audit_checkpoint_seconds: int = 60
    audit_in_flight: int = 4
    audit_pipeline_min: int = 4
    miss_rule: MissRule = field(default_factory=MissRule)
    trusted_proxies: tuple[str, ...] = ()
    server: ServerLimits = field(default_factory=ServerLimits)
    validation_budget_ms: int = 500
    execution_budget_ms: int = 10_000
    local_neo4j: LocalNeo4jConfig = field(default_factory=LocalNeo4jConfig)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        uri = env.get("CREDIT_HUB_NEO4J_URI") or f"bolt://127.0.0.1:{LOCAL_NEO4J_PORT}"
        _check_uri("CREDIT_HUB_NEO4J_URI", uri)
        audit_uri = env.get("CREDIT_HUB_AUDIT_NEO4J_URI") or uri
        _check_uri("CREDIT_HUB_AUDIT_NEO4J_URI", audit_uri)
        environment = env.get("CREDIT_HUB_ENV", "development")
        if environment not in ("development", "production"):
            raise ConfigurationError(
                "CREDIT_HUB_ENV must be 'development' or 'production', not " + repr(environment)
            )
        key_file = env.get("CREDIT_HUB_JWT_PUBLIC_KEY_FILE")
        data_dir = Path(env.get("CREDIT_HUB_DATA_DIR", ".local"))
        password = _neo4j_password(env)
        return cls(
            neo4j_uri=uri,
            neo4j_user=env.get("CREDIT_HUB_NEO4J_USER") or (DEFAULT_NEO4J_USER if password else ""),
            neo4j_password=Secret(password),
            neo4j_database=env.get("CREDIT_HUB_NEO4J_DATABASE", "neo4j"),
            audit_neo4j_uri=audit_uri,
            data_dir=data_dir,
            jwt_public_key_file=Path(key_file) if key_file else None,
            jwt_issuer=env.get("CREDIT_HUB_JWT_ISSUER", "credit-hub-local"),
            jwt_audience=env.get("CREDIT_HUB_JWT_AUDIENCE", "credit-hub"),
            environment=environment,
            max_body_bytes=_positive_int(env, "CREDIT_HUB_MAX_BODY_BYTES", 8 * 1024 * 1024),
            audit_retention_days=_positive_int(env, "CREDIT_HUB_AUDIT_RETENTION_DAYS", 1096),
            audit_checkpoint_records=_positive_int(
                env, "CREDIT_HUB_AUDIT_CHECKPOINT_RECORDS", 1000
            ),
            audit_checkpoint_seconds=_positive_int(env, "CREDIT_HUB_AUDIT_CHECKPOINT_SECONDS", 60),
            audit_in_flight=_positive_int(env, "CREDIT_HUB_AUDIT_IN_FLIGHT", 4),
            audit_pipeline_min=_positive_int(env, "CREDIT_HUB_AUDIT_PIPELINE_MIN", 4),
            miss_rule=_miss_rule(env),
            validation_budget_ms=_positive_int(env, "CREDIT_HUB_VALIDATION_BUDGET_MS", 500),
            execution_budget_ms=_positive_int(env, "CREDIT_HUB_EXECUTION_BUDGET_MS", 10_000),
            policy_dir=Path(env["CREDIT_HUB_POLICY_DIR"])
            if env.get("CREDIT_HUB_POLICY_DIR")
            else None,
            trusted_proxies=_trusted_proxies(env.get("CREDIT_HUB_TRUSTED_PROXIES", "")),
            server=ServerLimits.from_env(env),
            local_neo4j=local_neo4j_config(env),
        )


def local_neo4j_config(env: Mapping[str, str] | None = None) -> LocalNeo4jConfig:
    """The local Neo4j's sizes, cache and Java from the environment (``os.environ`` if None)."""
    env = os.environ if env is None else env
    cache = env.get("CREDIT_HUB_CACHE")
    java_home = env.get("JAVA_HOME")
    sharing = env.get("CREDIT_HUB_NEO4J_CDS", "1").strip().lower()
    return LocalNeo4jConfig(
        cache=Path(cache) if cache else None,
        heap=env.get("CREDIT_HUB_NEO4J_HEAP", "").strip() or DEFAULT_HEAP,
        page_cache=env.get("CREDIT_HUB_NEO4J_PAGECACHE", "").strip() or DEFAULT_PAGECACHE,
        java_opts=env.get("CREDIT_HUB_NEO4J_JAVA_OPTS", ""),
        class_data_sharing=sharing not in ("0", "false", "no", "off"),
        java_home=Path(java_home) if java_home else None,
    )


def _neo4j_password(env: Mapping[str, str]) -> str:
    """The password given, else the one in the file given (a local Neo4j's own: graph/driver)."""
    if env.get("CREDIT_HUB_NEO4J_PASSWORD"):
        return env["CREDIT_HUB_NEO4J_PASSWORD"]
    named = env.get("CREDIT_HUB_NEO4J_PASSWORD_FILE")
    if named:
        try:
            return Path(named).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"CREDIT_HUB_NEO4J_PASSWORD_FILE {named!r} cannot be read: {exc.strerror}"
            ) from None
    return ""


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    """Each item an IP address or a CIDR network; ``*`` is refused (name the proxies)."""
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigurationError(
                "CREDIT_HUB_TRUSTED_PROXIES must list IP addresses or CIDR networks "
                f"(comma-separated), not {item!r}"
            ) from None
    return items


_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def _check_uri(name: str, uri: str) -> None:
    if not uri.startswith(_SCHEMES):
        raise ConfigurationError(f"{name} must start with one of {', '.join(_SCHEMES)}: {uri!r}")


def _miss_rule(env: Mapping[str, str]) -> MissRule:
    percent = _positive_int(env, "CREDIT_HUB_ANOMALY_MISS_PERCENT", MissRule.percent)
    if percent > 100:
        raise ConfigurationError(f"CREDIT_HUB_ANOMALY_MISS_PERCENT must be 1-100, not {percent}")
    return MissRule(
        _positive_int(env, "CREDIT_HUB_ANOMALY_LOOKUP_MISSES", MissRule.at_least), percent
    )


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, not {value}")
    return value
