"""The files of a local Neo4j's home and of the cache: where they are, locks, atomic writes."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"
PID_FILE = "neo4j.pid"
PORT_FILE = "neo4j.port"
LOG_FILE = "neo4j.log"


def home_of(data_dir: Path) -> Path:
    """The DBMS home of ``data_dir``: ``data/``, ``logs/``, ``neo4j.{pid,port,log,password}``."""
    return Path(data_dir).expanduser().resolve() / "neo4j"


def bolt_uri(port: int) -> str:
    return f"bolt://{HOST}:{port}"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:  # opened close-on-exec: the JVM never inherits it
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_int(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False
