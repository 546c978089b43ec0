"""The Java that runs the local Neo4j and the flags it gets: version check, heap, page cache,
collector, and the fixed flags Neo4j needs on Java 17+."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from functools import cache
from pathlib import Path

from graph.local.config import LocalNeo4jConfig
from graph.local.errors import LocalNeo4jError

MIN_JAVA = 17

# the fastest start and the smallest footprint on a 2-core machine; a collector named in
# CREDIT_HUB_NEO4J_JAVA_OPTS replaces it (two collectors would stop the JVM from starting)
_DEFAULT_GC = "-XX:+UseSerialGC"
_GC_FLAG_RE = re.compile(r"^-XX:\+Use\w+GC$")
JAVA_FLAGS = (
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-UsePerfData",
    "-Dio.netty.tryReflectionSetAccessible=true",
    *(
        f"--add-opens=java.base/{package}=ALL-UNNAMED"
        for package in (
            "java.nio",
            "java.io",
            "sun.nio.ch",
            "java.lang",
            "java.util",
            "java.util.concurrent",
        )
    ),
)
_SIZE_RE = re.compile(r"^(\d+)([kKmMgG]?)$")
_JAVA_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')
_SCALE = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def java(config: LocalNeo4jConfig) -> Path:
    """The ``java`` of ``JAVA_HOME`` or ``PATH``; raises unless it is Java 17 or newer."""
    candidate = config.java_home / "bin" / "java" if config.java_home else None
    if candidate is None or not os.access(candidate, os.X_OK):
        found = shutil.which("java")
        if found is None:
            raise LocalNeo4jError(
                "Java ('java') is not on PATH and JAVA_HOME is not set: the local Neo4j needs "
                "a Java 17+ JDK and Maven"
            )
        candidate = Path(found)
    major = java_version(str(candidate))[0]
    if major < MIN_JAVA:
        raise LocalNeo4jError(
            f"{candidate} is Java {major}; the local Neo4j needs Java {MIN_JAVA} or newer "
            "(set JAVA_HOME or PATH to a Java 17+ JDK)"
        )
    return candidate


@cache
def java_version(java: str) -> tuple[int, str]:
    """The major version and the full ``java -version`` text."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [java, "-version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalNeo4jError(f"cannot run {java} -version: {exc}") from exc
    text = result.stderr + result.stdout
    match = _JAVA_VERSION_RE.search(text)
    if match is None:
        raise LocalNeo4jError(f"cannot tell the Java version of {java} from: {text[:200]!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_392"
        major = int(match.group(2))
    return major, text.strip()


def heap_flags(config: LocalNeo4jConfig) -> list[str]:
    """``-Xms``/``-Xmx`` of ``config.heap`` (CREDIT_HUB_NEO4J_HEAP), at least 64m."""
    raw = config.heap
    match = _SIZE_RE.match(raw)
    if match is None:
        raise LocalNeo4jError(
            f"CREDIT_HUB_NEO4J_HEAP must be a size such as 512m or 1g, not {raw!r}"
        )
    maximum = int(match.group(1)) * _SCALE[match.group(2).lower()]
    if maximum < 64 << 20:
        raise LocalNeo4jError(f"CREDIT_HUB_NEO4J_HEAP must be at least 64m, not {raw!r}")
    initial = "128m" if maximum >= 128 << 20 else raw
    return [f"-Xms{initial}", f"-Xmx{raw}"]


def page_cache_bytes(config: LocalNeo4jConfig) -> int:
    """``config.page_cache`` (CREDIT_HUB_NEO4J_PAGECACHE) in bytes, at least 8m."""
    raw = config.page_cache
    match = _SIZE_RE.match(raw)
    if match is None:
        raise LocalNeo4jError(
            f"CREDIT_HUB_NEO4J_PAGECACHE must be a size such as 64m or 4g, not {raw!r}"
        )
    size = int(match.group(1)) * _SCALE[match.group(2).lower()]
    if size < 8 << 20:
        raise LocalNeo4jError(f"CREDIT_HUB_NEO4J_PAGECACHE must be at least 8m, not {raw!r}")
    return size


def extra_flags(config: LocalNeo4jConfig) -> list[str]:
    """The flags of ``config.java_opts``, appended last."""
    return shlex.split(config.java_opts)


def collector_flags(extra: list[str]) -> list[str]:
    """The serial collector, unless ``extra`` names one."""
    return [] if any(_GC_FLAG_RE.match(flag) for flag in extra) else [_DEFAULT_GC]
