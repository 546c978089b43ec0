"""The embedded launcher (``graph/launcher/LocalNeo4j.java``): compiled with ``javac`` against the
jars when its source changes, its class path, and the class-data-sharing archive that makes a
start ~1 s faster (written by one clean JVM exit, mapped by every later start)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from graph.local.errors import LocalNeo4jError
from graph.local.files import nonempty
from graph.local.jvm import MIN_JAVA, java_version

LAUNCHER_DIR = Path(__file__).resolve().parent.parent / "launcher"
POM = LAUNCHER_DIR / "pom.xml"
LAUNCHER_SOURCE = LAUNCHER_DIR / "LocalNeo4j.java"
MAIN_CLASS = "LocalNeo4j"
CDS_RECORD = "cds.part"


def compile_launcher(directory: Path, java: Path) -> None:
    """``javac`` the launcher into ``classes/`` and jar it, unless the same source is there."""
    classes = directory / "classes"
    launcher_jar = classes / "local-neo4j.jar"
    stamp = classes / "source.sha256"
    source = LAUNCHER_SOURCE.read_bytes()
    digest = hashlib.sha256(source + f"\0--release {MIN_JAVA}".encode()).hexdigest()
    with contextlib.suppress(OSError):
        if launcher_jar.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
            return
    javac = _javac(java)
    building = directory / f"classes.partial-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            str(javac),
            "-nowarn",
            "--release",
            str(MIN_JAVA),
            "-encoding",
            "UTF-8",
            "-d",
            str(building),
            "-cp",
            str(directory / "lib" / "*"),
            str(LAUNCHER_SOURCE),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise LocalNeo4jError(
            f"javac could not compile {LAUNCHER_SOURCE}:\n{(result.stdout + result.stderr)[-4000:]}"
        )
    with zipfile.ZipFile(building / launcher_jar.name, "w", zipfile.ZIP_DEFLATED) as jar:
        for class_file in sorted(building.glob("*.class")):
            jar.write(class_file, class_file.name)
    (building / stamp.name).write_text(digest + "\n", encoding="utf-8")
    if classes.exists():
        retired = directory / f"classes.old-{os.getpid()}"
        classes.rename(retired)
        shutil.rmtree(retired, ignore_errors=True)
    building.rename(classes)


def _javac(java: Path) -> Path:
    """The ``javac`` of the JDK of ``java`` (behind any symlinks), else the one on ``PATH``."""
    javac = java.resolve().with_name("javac")
    if javac.is_file():
        return javac
    found = shutil.which("javac")
    if found is None:
        raise LocalNeo4jError(
            f"'javac' is missing next to {java} and on PATH: the local Neo4j needs a "
            "Java 17+ JDK (not only a JRE) and Maven"
        )
    return Path(found)


def classpath(directory: Path) -> str:
    jars = [directory / "classes" / "local-neo4j.jar", *sorted((directory / "lib").glob("*.jar"))]
    return os.pathsep.join(str(jar) for jar in jars)


@dataclass(frozen=True)
class Cds:
    flags: list[str]
    part: Path | None  # the archive this JVM writes at exit, for ``stop`` to promote
    archive: Path | None  # the archive this JVM maps


NO_CDS = Cds([], None, None)


def class_data_sharing(directory: Path, java: Path, classpath: str, home: Path) -> Cds:
    """Use the class-data-sharing archive if there is one, else ask this JVM to write it at exit.

    The archive belongs to one JDK build and one set of jars (path, size and time of each). A
    part file is named after the home (one JVM per home); part files a day old are leftovers
    of JVMs that never stopped cleanly.
    """
    stamps = []  # the JVM refuses an archive whose jars changed size or time: so do we
    for jar in classpath.split(os.pathsep):
        info = Path(jar).stat()
        stamps.append(f"{jar} {info.st_size} {info.st_mtime_ns}")
    key = hashlib.sha256(
        "\0".join([str(java.resolve()), java_version(str(java))[1], *stamps]).encode()
    ).hexdigest()[:16]
    cds = directory / "cds"
    archive = cds / f"local-neo4j-{key}.jsa"
    quiet = ["-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    if nonempty(archive):
        # VerifySharedSpaces: a damaged archive is ignored instead of crashing the JVM
        return Cds(
            [f"-XX:SharedArchiveFile={archive}", "-XX:+VerifySharedSpaces", *quiet], None, archive
        )
    cds.mkdir(parents=True, exist_ok=True)
    for stale in cds.glob("*.jsa"):  # of another JDK build or class path
        stale.unlink(missing_ok=True)
    for leftover in cds.glob("*.part"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > 86400:
                leftover.unlink()
    home_key = hashlib.sha256(str(home).encode()).hexdigest()[:12]
    part = cds / f"{archive.name}.{home_key}.part"
    return Cds([f"-XX:ArchiveClassesAtExit={part}", *quiet], part, None)


def promote_cds_parts(home: Path) -> None:
    """After a clean exit, move the archive the JVM wrote into place (first one wins)."""
    record = home / CDS_RECORD
    try:
        part = Path(record.read_text(encoding="utf-8").strip())
    except OSError:
        return
    record.unlink(missing_ok=True)
    if not part.name.endswith(".part"):
        return
    final = part.with_name(part.name.split(".jsa.", 1)[0] + ".jsa")
    if nonempty(part) and not final.exists():
        part.rename(final)
    else:
        part.unlink(missing_ok=True)
