"""Files that hold secrets (private keys, the field keyring, passwords): owner-only (0600).

It lives at the bottom layer so that graph/ (the local Neo4j's password) and hub/ (the keys)
write them the same way; it imports nothing from the project.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def create_key_file(path: Path, content: bytes) -> None:
    """Write a new secret file, owner-only; never over an existing one (``FileExistsError``).

    The parent directory is created if missing; the content is on disk when this returns.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, content, os.O_EXCL)


def replace_key_file(path: Path, content: bytes) -> None:
    """Replace a secret file atomically: the new content is written owner-only beside it
    (``<name>.new``), flushed to disk, then renamed over it."""
    staging = path.with_suffix(".new")
    _write(staging, content, os.O_TRUNC)
    os.replace(staging, path)


def _write(path: Path, content: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode, OWNER_ONLY)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
