"""The password of the local Neo4j: generated at the first start into ``<data_dir>/neo4j/
neo4j.password`` (0600, reused by later starts), and found by any client on this machine through
a registry of which home serves which port (``<cache>/instances/<port>``: a path, not a secret)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

from graph.local.config import DEFAULT_CONFIG, LocalNeo4jConfig
from graph.local.errors import LocalNeo4jError
from graph.local.files import PORT_FILE, home_of, read_int, write_atomic
from graph.local.jars import cache_root

PASSWORD_FILE = "neo4j.password"  # noqa: S105 - a file name; the secret is in the file
USER = "neo4j"
_LOCAL_URI_RE = re.compile(r"^(?:bolt|neo4j)://(?:127\.0\.0\.1|localhost):(\d+)/?$")


def password_file(data_dir: Path) -> Path:
    """Where the password of the local Neo4j of ``data_dir`` is kept (mode 0600)."""
    return home_of(data_dir) / PASSWORD_FILE


def credentials(data_dir: Path) -> tuple[str, str]:
    """``(user, password)`` of the local Neo4j of ``data_dir``; raises before its first start."""
    return auth_of(home_of(data_dir))


def auth_of(home: Path) -> tuple[str, str]:
    path = home / PASSWORD_FILE
    try:
        password = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise LocalNeo4jError(
            f"no password for the local Neo4j in {path} ({exc.strerror}); start it first"
        ) from None
    return (USER, password)


def credentials_for(
    uri: str, data_dir: Path | None = None, config: LocalNeo4jConfig = DEFAULT_CONFIG
) -> tuple[str, str] | None:
    """The credentials of the local Neo4j that serves ``uri`` (any data dir), else of the
    instance of ``data_dir``; None when ``uri`` is not one of ours on 127.0.0.1."""
    match = _LOCAL_URI_RE.match(uri)
    if match is None:
        return None
    port = int(match.group(1))
    homes = [_registered_home(port, config)]
    if data_dir is not None:
        homes.append(home_of(data_dir))
    for home in homes:
        if home is not None and read_int(home / PORT_FILE) == port:
            with contextlib.suppress(LocalNeo4jError):
                return auth_of(home)
    if data_dir is not None and (home_of(data_dir) / PASSWORD_FILE).is_file():
        return auth_of(home_of(data_dir))  # not running: Neo4j's refusal will say so
    return None


def _registry(port: int, config: LocalNeo4jConfig) -> Path:
    return cache_root(config) / "instances" / str(port)


def _registered_home(port: int, config: LocalNeo4jConfig) -> Path | None:
    try:
        return Path(_registry(port, config).read_text(encoding="utf-8").strip())
    except OSError:
        return None


def register(port: int, home: Path, config: LocalNeo4jConfig) -> None:
    """Which home serves ``port`` (a path, not a secret), so any client on this machine finds
    the password file without being told the data dir."""
    path = _registry(port, config)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, f"{home}\n")


def unregister(home: Path, config: LocalNeo4jConfig) -> None:
    port = read_int(home / PORT_FILE)
    if port is not None and _registered_home(port, config) == home:
        _registry(port, config).unlink(missing_ok=True)


def ensure_password(home: Path) -> Path:
    """The password file of ``home``: kept if there is one (made 0600), else a new secret."""
    path = home / PASSWORD_FILE
    if write_key_file(path, (secrets.token_urlsafe(32) + "\n").encode()):
        return path
    os.chmod(path, 0o600)
    if len(path.read_text(encoding="utf-8").strip()) < 8:
        raise LocalNeo4jError(f"{path} must hold a password of at least 8 characters")
    return path


def write_key_file(path: Path, content: bytes) -> bool:
    """Create ``path`` 0600 with ``content`` unless it exists (then False): the one place here
    that writes a secret, so it can become the hub's shared key-file helper."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return True
