"""The Neo4j jars: fetched once by Maven from Maven Central (``graph/launcher/pom.xml``) into the
cache, outside the git tree; a complete lib folder (its manifest names every jar, the pom is
unchanged) skips Maven altogether."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

from graph.local.config import DEFAULT_CONFIG, LocalNeo4jConfig
from graph.local.errors import LocalNeo4jError
from graph.local.files import locked, nonempty, write_atomic
from graph.local.jvm import java
from graph.local.launcher import POM, compile_launcher

_POM_VERSION_RE = re.compile(r"<neo4j\.version>\s*([0-9][^<\s]*)\s*</neo4j\.version>")


def neo4j_version() -> str:
    """The Neo4j version pinned in ``graph/launcher/pom.xml``."""
    match = _POM_VERSION_RE.search(POM.read_text(encoding="utf-8"))
    if match is None:
        raise LocalNeo4jError(f"no <neo4j.version> in {POM}")
    return match.group(1)


def cache_root(config: LocalNeo4jConfig = DEFAULT_CONFIG) -> Path:
    root = config.cache if config.cache else Path.home() / ".cache" / "credit-hub"
    return root.expanduser().resolve()


def cache_dir(config: LocalNeo4jConfig = DEFAULT_CONFIG) -> Path:
    return cache_root(config) / f"neo4j-{neo4j_version()}"


def ensure_jars(config: LocalNeo4jConfig = DEFAULT_CONFIG, *, quiet: bool = False) -> Path:
    """Fetch the Neo4j jars (once) and compile the launcher (when changed); return the cache dir.

    Unless ``quiet``, a fetch says so on stderr; a failure raises with the end of Maven's output.
    """
    found = java(config)
    directory = cache_dir(config)
    directory.mkdir(parents=True, exist_ok=True)
    with locked(directory.with_name(directory.name + ".lock")):
        if not _lib_complete(directory):
            _fetch_jars(directory, quiet=quiet)
        compile_launcher(directory, found)
    return directory


def _lib_manifest(directory: Path) -> Path:
    return directory / "lib.complete"


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def _lib_complete(directory: Path) -> bool:
    manifest = _lib_manifest(directory)
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    if not lines or lines[0] != f"pom {_pom_digest()}":
        return False
    lib = directory / "lib"
    jars = lines[1:]
    return bool(jars) and all(nonempty(lib / name) for name in jars)


def _fetch_jars(directory: Path, *, quiet: bool) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError(
            "Maven ('mvn') is not on PATH: the local Neo4j needs Java 17+ and Maven to fetch "
            f"org.neo4j:neo4j {neo4j_version()} from Maven Central (once, into {directory})"
        )
    partial = directory / f"lib.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    started = time.monotonic()
    if not quiet:
        print(
            f"fetching Neo4j {neo4j_version()} from Maven Central into {directory} (once) ...",
            file=sys.stderr,
            flush=True,
        )
    code, tail = _maven_copy_dependencies(mvn, partial)
    jars = sorted(path.name for path in partial.glob("*.jar")) if partial.is_dir() else []
    if code != 0 or not jars:
        shutil.rmtree(partial, ignore_errors=True)
        raise LocalNeo4jError(
            f"Maven could not fetch org.neo4j:neo4j {neo4j_version()} (exit {code}):\n"
            + "\n".join(tail)
        )
    lib = directory / "lib"
    if lib.exists():
        retired = directory / f"lib.old-{os.getpid()}"
        lib.rename(retired)
        shutil.rmtree(retired, ignore_errors=True)
    partial.rename(lib)
    # new jars invalidate the compiled launcher and the class-data-sharing archive
    shutil.rmtree(directory / "classes", ignore_errors=True)
    shutil.rmtree(directory / "cds", ignore_errors=True)
    write_atomic(_lib_manifest(directory), "\n".join([f"pom {_pom_digest()}", *jars]) + "\n")
    if not quiet:
        size = sum((lib / name).stat().st_size for name in jars) / (1 << 20)
        print(
            f"... {len(jars)} jars, {size:.0f} MiB in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def _maven_copy_dependencies(mvn: str, into: Path) -> tuple[int, deque[str]]:
    """Run Maven's ``dependency:copy-dependencies`` into ``into``: its exit and its last lines."""
    command = [
        mvn,
        "-B",
        "--no-transfer-progress",
        "-f",
        str(POM),
        f"-Dcredit-hub.lib={into}",
        "dependency:copy-dependencies",
    ]
    tail: deque[str] = deque(maxlen=40)
    with subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            tail.append(line.rstrip("\n"))
        code = process.wait()
    return code, tail
