"""The local Neo4j 5.26 LTS Community that ``credit-hub neo4j start|stop|status`` runs.

No Docker and no neo4j.com download: Maven fetches ``org.neo4j:neo4j`` and its runtime jars from
Maven Central (``graph/launcher/pom.xml``) into a cache outside the git tree, ``javac`` compiles
the small embedded launcher (``graph/launcher/LocalNeo4j.java``) against them, and a detached JVM
serves Bolt on 127.0.0.1 with authentication: the user ``neo4j`` has a password generated at the
first start and kept in ``<data_dir>/neo4j/neo4j.password`` (mode 0600; later starts reuse it).

| path | what |
|---|---|
| ``$CREDIT_HUB_CACHE/neo4j-<version>/lib`` | the jars (default cache: ``~/.cache/credit-hub``) |
| ``$CREDIT_HUB_CACHE/neo4j-<version>/classes`` | the compiled launcher and ``local-neo4j.jar`` |
| ``$CREDIT_HUB_CACHE/neo4j-<version>/cds`` | a class-data-sharing archive (~1 s faster starts) |
| ``<data_dir>/neo4j`` | the DBMS home: ``data/``, ``logs/``, ``neo4j.{pid,port,log}`` |
| ``<data_dir>/neo4j/neo4j.password`` | the password of the user ``neo4j`` (0600) |

Environment: ``CREDIT_HUB_NEO4J_HEAP`` (maximum heap, e.g. ``512m`` or ``1g``; default ``512m``),
``CREDIT_HUB_NEO4J_PAGECACHE`` (the page cache, same syntax; default ``64m``: a bench graph of a
million enterprises wants a few gigabytes, else every read goes to disk),
``CREDIT_HUB_NEO4J_JAVA_OPTS`` (extra JVM flags, appended last), ``CREDIT_HUB_NEO4J_CDS=0``
(no class-data sharing), ``JAVA_HOME`` (which Java 17+ to use; else ``java`` on ``PATH``).

One instance per data dir; instances in other data dirs on other ports run side by side.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from graph.errors import LocalNeo4jError

HOST = "127.0.0.1"
DEFAULT_PORT = 7687
DEFAULT_HEAP = "512m"
DEFAULT_PAGECACHE = "64m"
MIN_JAVA = 17

LAUNCHER_DIR = Path(__file__).resolve().parent / "launcher"
POM = LAUNCHER_DIR / "pom.xml"
LAUNCHER_SOURCE = LAUNCHER_DIR / "LocalNeo4j.java"
MAIN_CLASS = "LocalNeo4j"

PID_FILE = "neo4j.pid"
PORT_FILE = "neo4j.port"
LOG_FILE = "neo4j.log"
READY_MARK = "READY bolt://"
PASSWORD_FILE = "neo4j.password"  # noqa: S105 - a file name; the secret is in the file
USER = "neo4j"

# the fastest start and the smallest footprint on a 2-core machine; a collector named in
# CREDIT_HUB_NEO4J_JAVA_OPTS replaces it (two collectors would stop the JVM from starting)
_DEFAULT_GC = "-XX:+UseSerialGC"
_GC_FLAG_RE = re.compile(r"^-XX:\+Use\w+GC$")
_JAVA_FLAGS = (
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
_HEAP_RE = re.compile(r"^(\d+)([kKmMgG]?)$")
_JAVA_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')
_LOCAL_URI_RE = re.compile(r"^(?:bolt|neo4j)://(?:127\.0\.0\.1|localhost):(\d+)/?$")
_POM_VERSION_RE = re.compile(r"<neo4j\.version>\s*([0-9][^<\s]*)\s*</neo4j\.version>")


class _ExitedWhileStarting(LocalNeo4jError):
    pass


@dataclass(frozen=True)
class LocalNeo4jStatus:
    running: bool
    pid: int | None
    port: int | None
    uri: str | None


# --------------------------------------------------------------------------- the cache


def neo4j_version() -> str:
    """The Neo4j version pinned in ``graph/launcher/pom.xml``."""
    match = _POM_VERSION_RE.search(POM.read_text(encoding="utf-8"))
    if match is None:
        raise LocalNeo4jError(f"no <neo4j.version> in {POM}")
    return match.group(1)


def cache_root() -> Path:
    configured = os.environ.get("CREDIT_HUB_CACHE")
    root = Path(configured) if configured else Path.home() / ".cache" / "credit-hub"
    return root.expanduser().resolve()


def cache_dir() -> Path:
    return cache_root() / f"neo4j-{neo4j_version()}"


def ensure_jars(*, quiet: bool = False) -> Path:
    """Fetch the Neo4j jars (once) and compile the launcher (when changed); return the cache dir.

    A complete lib folder (its manifest lists every jar and the pom is unchanged) skips Maven
    altogether. Unless ``quiet``, a fetch says so on stderr; a failure raises with the end of
    Maven's output.
    """
    java = _java()
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory.with_name(directory.name + ".lock")):
        if not _lib_complete(directory):
            _fetch_jars(directory, quiet=quiet)
        _compile_launcher(directory, java)
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
    return bool(jars) and all(_nonempty(lib / name) for name in jars)


def _nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _fetch_jars(directory: Path, *, quiet: bool) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError(
            "Maven ('mvn') is not on PATH: the local Neo4j needs Java 17+ and Maven to fetch "
            f"org.neo4j:neo4j {neo4j_version()} from Maven Central (once, into {directory})"
        )
    partial = directory / f"lib.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    command = [
        mvn,
        "-B",
        "--no-transfer-progress",
        "-f",
        str(POM),
        f"-Dcredit-hub.lib={partial}",
        "dependency:copy-dependencies",
    ]
    tail: deque[str] = deque(maxlen=40)
    started = time.monotonic()
    if not quiet:
        print(
            f"fetching Neo4j {neo4j_version()} from Maven Central into {directory} (once) ...",
            file=sys.stderr,
            flush=True,
        )
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
    _write_atomic(_lib_manifest(directory), "\n".join([f"pom {_pom_digest()}", *jars]) + "\n")
    if not quiet:
        size = sum((lib / name).stat().st_size for name in jars) / (1 << 20)
        print(
            f"... {len(jars)} jars, {size:.0f} MiB in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def _compile_launcher(directory: Path, java: Path) -> None:
    """``javac`` the launcher into ``classes/`` and jar it, unless the same source is there."""
    classes = directory / "classes"
    launcher_jar = classes / "local-neo4j.jar"
    stamp = classes / "source.sha256"
    source = LAUNCHER_SOURCE.read_bytes()
    digest = hashlib.sha256(source + f"\0--release {MIN_JAVA}".encode()).hexdigest()
    with contextlib.suppress(OSError):
        if launcher_jar.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
            return
    javac = java.resolve().with_name("javac")  # the JDK of that java, behind any symlinks
    if not javac.is_file():
        found = shutil.which("javac")
        if found is None:
            raise LocalNeo4jError(
                f"'javac' is missing next to {java} and on PATH: the local Neo4j needs a "
                "Java 17+ JDK (not only a JRE) and Maven"
            )
        javac = Path(found)
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


# --------------------------------------------------------------------------- Java


def _java() -> Path:
    """The ``java`` of ``JAVA_HOME`` or ``PATH``; raises unless it is Java 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    if candidate is None or not os.access(candidate, os.X_OK):
        found = shutil.which("java")
        if found is None:
            raise LocalNeo4jError(
                "Java ('java') is not on PATH and JAVA_HOME is not set: the local Neo4j needs "
                "a Java 17+ JDK and Maven"
            )
        candidate = Path(found)
    major = _java_major(str(candidate))
    if major < MIN_JAVA:
        raise LocalNeo4jError(
            f"{candidate} is Java {major}; the local Neo4j needs Java {MIN_JAVA} or newer "
            "(set JAVA_HOME or PATH to a Java 17+ JDK)"
        )
    return candidate


def _java_major(java: str) -> int:
    return _java_version(java)[0]


@cache
def _java_version(java: str) -> tuple[int, str]:
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


def _heap_flags() -> list[str]:
    raw = os.environ.get("CREDIT_HUB_NEO4J_HEAP", "").strip() or DEFAULT_HEAP
    match = _HEAP_RE.match(raw)
    if match is None:
        raise LocalNeo4jError(
            f"CREDIT_HUB_NEO4J_HEAP must be a size such as 512m or 1g, not {raw!r}"
        )
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()]
    maximum = int(match.group(1)) * scale
    if maximum < 64 << 20:
        raise LocalNeo4jError(f"CREDIT_HUB_NEO4J_HEAP must be at least 64m, not {raw!r}")
    initial = "128m" if maximum >= 128 << 20 else raw
    return [f"-Xms{initial}", f"-Xmx{raw}"]


def _page_cache_bytes() -> int:
    """``CREDIT_HUB_NEO4J_PAGECACHE`` in bytes (default ``DEFAULT_PAGECACHE``)."""
    raw = os.environ.get("CREDIT_HUB_NEO4J_PAGECACHE", "").strip() or DEFAULT_PAGECACHE
    match = _HEAP_RE.match(raw)
    if match is None:
        raise LocalNeo4jError(
            f"CREDIT_HUB_NEO4J_PAGECACHE must be a size such as 64m or 4g, not {raw!r}"
        )
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()]
    size = int(match.group(1)) * scale
    if size < 8 << 20:
        raise LocalNeo4jError(f"CREDIT_HUB_NEO4J_PAGECACHE must be at least 8m, not {raw!r}")
    return size


def _classpath(directory: Path) -> str:
    jars = [directory / "classes" / "local-neo4j.jar", *sorted((directory / "lib").glob("*.jar"))]
    return os.pathsep.join(str(jar) for jar in jars)


@dataclass(frozen=True)
class _Cds:
    flags: list[str]
    part: Path | None  # the archive this JVM writes at exit, for ``stop`` to promote
    archive: Path | None  # the archive this JVM maps


def _cds(directory: Path, java: Path, classpath: str, home: Path) -> _Cds:
    """Use the class-data-sharing archive if there is one, else ask this JVM to write it at exit.

    The archive belongs to one JDK build and one set of jars (path, size and time of each). A
    part file is named after the home (one JVM per home); part files a day old are leftovers
    of JVMs that never stopped cleanly.
    """
    if os.environ.get("CREDIT_HUB_NEO4J_CDS", "1").strip().lower() in ("0", "false", "no", "off"):
        return _Cds([], None, None)
    stamps = []  # the JVM refuses an archive whose jars changed size or time: so do we
    for jar in classpath.split(os.pathsep):
        info = Path(jar).stat()
        stamps.append(f"{jar} {info.st_size} {info.st_mtime_ns}")
    key = hashlib.sha256(
        "\0".join([str(java.resolve()), _java_version(str(java))[1], *stamps]).encode()
    ).hexdigest()[:16]
    cds = directory / "cds"
    archive = cds / f"local-neo4j-{key}.jsa"
    quiet = ["-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    if _nonempty(archive):
        # VerifySharedSpaces: a damaged archive is ignored instead of crashing the JVM
        return _Cds(
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
    return _Cds([f"-XX:ArchiveClassesAtExit={part}", *quiet], part, None)


def _promote_cds_parts(home: Path) -> None:
    """After a clean exit, move the archive the JVM wrote into place (first one wins)."""
    record = home / "cds.part"
    try:
        part = Path(record.read_text(encoding="utf-8").strip())
    except OSError:
        return
    record.unlink(missing_ok=True)
    if not part.name.endswith(".part"):
        return
    final = part.with_name(part.name.split(".jsa.", 1)[0] + ".jsa")
    if _nonempty(part) and not final.exists():
        part.rename(final)
    else:
        part.unlink(missing_ok=True)


# --------------------------------------------------------------------------- processes


def _home(data_dir: Path) -> Path:
    return Path(data_dir).expanduser().resolve() / "neo4j"


def _uri(port: int) -> str:
    return f"bolt://{HOST}:{port}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:  # opened close-on-exec: the JVM never inherits it
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs; reaps it when it is our own child.

    A child counts as alive until it is reaped. For any other process, a zombie counts as gone
    only once all its threads have exited: the JVM's main thread turns into a zombie while the
    other threads are still shutting down.
    """
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child
    else:
        return done != pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except (OSError, IndexError):
        return True
    return not (state in ("Z", "X") and threads <= 1)


def _is_ours(pid: int, home: Path) -> bool:
    """Whether ``pid`` is the launcher JVM of this home (guards against reused pids)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return sys.platform != "linux" and _alive(pid)
    except OSError:
        return False
    return MAIN_CLASS.encode() in argv and str(home).encode() in argv


def _running_pid(home: Path) -> int | None:
    pid = _read_int(home / PID_FILE)
    if pid is None or not _alive(pid) or not _is_ours(pid, home):
        return None
    return pid


def _forget(home: Path) -> None:
    for name in (PID_FILE, PORT_FILE):
        (home / name).unlink(missing_ok=True)


def _signal_group(pid: int, signum: signal.Signals) -> None:
    """Signal the JVM's whole process group (it leads its own session), else the JVM alone."""
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _port_busy(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
        return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # the JVM binds with SO_REUSEADDR too, so lingering TIME_WAIT sockets do not count
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _tcp_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _bolt_answers(uri: str, auth: tuple[str, str], timeout: float = 3.0) -> bool:
    """A Bolt handshake and a log-in through the neo4j driver, not only a TCP connect."""
    try:
        with GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout) as driver:
            driver.verify_connectivity()
    except (DriverError, Neo4jError, OSError):
        return False
    return True


def _log_tail(home: Path, lines: int = 30) -> str:
    try:
        text = (home / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _log_says_ready(home: Path) -> bool:
    try:
        with (home / LOG_FILE).open(encoding="utf-8", errors="replace") as log:
            return any(line.startswith(READY_MARK) for line in log)
    except OSError:
        return False


def _wait_ready(pid: int, port: int, home: Path, timeout: float) -> str:
    """Wait for the launcher's READY line and a Bolt handshake; stop the JVM on failure."""
    uri = _uri(port)
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(pid):
            _forget(home)
            raise _ExitedWhileStarting(
                f"the local Neo4j (pid {pid}) exited while starting; the end of "
                f"{home / LOG_FILE}:\n{_log_tail(home)}"
            )
        if _log_says_ready(home) and _tcp_answers(port) and _bolt_answers(uri, _auth(home)):
            return uri
        if time.monotonic() >= deadline:
            _terminate(pid, timeout=10.0)
            _forget(home)
            raise LocalNeo4jError(
                f"the local Neo4j (pid {pid}) did not answer on {uri} within {timeout:g} s "
                f"and was stopped; the end of {home / LOG_FILE}:\n{_log_tail(home)}"
            )
        time.sleep(0.1)


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM the JVM's process group, SIGKILL it after ``timeout``; True if it exited cleanly."""
    _signal_group(pid, signal.SIGTERM)
    if _wait_gone(pid, timeout):
        return True
    _signal_group(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)
    return False


# --------------------------------------------------------------------------- the password


def password_file(data_dir: Path) -> Path:
    """Where the password of the local Neo4j of ``data_dir`` is kept (mode 0600)."""
    return _home(data_dir) / PASSWORD_FILE


def credentials(data_dir: Path) -> tuple[str, str]:
    """``(user, password)`` of the local Neo4j of ``data_dir``; raises before its first start."""
    return _auth(_home(data_dir))


def _auth(home: Path) -> tuple[str, str]:
    path = home / PASSWORD_FILE
    try:
        password = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise LocalNeo4jError(
            f"no password for the local Neo4j in {path} ({exc.strerror}); start it first"
        ) from None
    return (USER, password)


def credentials_for(uri: str, data_dir: Path | None = None) -> tuple[str, str] | None:
    """The credentials of the local Neo4j that serves ``uri`` (any data dir), else of the
    instance of ``data_dir``; None when ``uri`` is not one of ours on 127.0.0.1."""
    match = _LOCAL_URI_RE.match(uri)
    if match is None:
        return None
    port = int(match.group(1))
    homes = [_registered_home(port)]
    if data_dir is not None:
        homes.append(_home(data_dir))
    for home in homes:
        if home is not None and _read_int(home / PORT_FILE) == port:
            with contextlib.suppress(LocalNeo4jError):
                return _auth(home)
    if data_dir is not None and (_home(data_dir) / PASSWORD_FILE).is_file():
        return _auth(_home(data_dir))  # not running: Neo4j's refusal will say so
    return None


def _registry(port: int) -> Path:
    return cache_root() / "instances" / str(port)


def _registered_home(port: int) -> Path | None:
    try:
        return Path(_registry(port).read_text(encoding="utf-8").strip())
    except OSError:
        return None


def _register(port: int, home: Path) -> None:
    """Which home serves ``port`` (a path, not a secret), so any client on this machine finds
    the password file without being told the data dir."""
    path = _registry(port)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_atomic(path, f"{home}\n")


def _unregister(home: Path) -> None:
    port = _read_int(home / PORT_FILE)
    if port is not None and _registered_home(port) == home:
        _registry(port).unlink(missing_ok=True)


def _ensure_password(home: Path) -> Path:
    """The password file of ``home``: kept if there is one (made 0600), else a new secret."""
    path = home / PASSWORD_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        if len(path.read_text(encoding="utf-8").strip()) < 8:
            raise LocalNeo4jError(f"{path} must hold a password of at least 8 characters") from None
        return path
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    return path


# --------------------------------------------------------------------------- the interface


def start(data_dir: Path, port: int = DEFAULT_PORT, *, timeout: float = 120.0) -> str:
    """Start the local Neo4j of ``data_dir`` on 127.0.0.1:``port``; return its Bolt URI.

    Its credentials are ``credentials(data_dir)``: the password is generated at the first start
    (``password_file(data_dir)``, 0600) and reused by every later one.

    Idempotent: if this data dir's instance already runs on ``port`` and answers, its URI is
    returned and no second JVM starts. Raises ``LocalNeo4jError`` when the port is taken by
    anything else, when this data dir's instance runs on another port, or when the JVM dies
    or does not answer within ``timeout`` seconds (with the end of its log).
    """
    if not 0 < port < 65536:
        raise LocalNeo4jError(f"port must be between 1 and 65535, not {port}")
    home = _home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home / "launcher.lock"):
        pid = _running_pid(home)
        if pid is not None:
            running_port = _read_int(home / PORT_FILE)
            if running_port is not None and running_port != port:
                raise LocalNeo4jError(
                    f"the local Neo4j of {home.parent} already runs on port {running_port} "
                    f"(pid {pid}); stop it first or use port {running_port}"
                )
            return _wait_ready(pid, port, home, timeout)
        _forget(home)  # a stale pid file: its process is gone (or is no launcher of ours)
        if _port_busy(port):
            raise LocalNeo4jError(
                f"port {port} on {HOST} is already in use by another process; "
                "choose another port or stop that process"
            )
        heap = _heap_flags()
        page_cache = _page_cache_bytes()
        _ensure_password(home)
        directory = ensure_jars()
        pid, archive = _launch(home, port, directory, heap, page_cache, cds=True)
        try:
            return _wait_ready(pid, port, home, timeout)
        except _ExitedWhileStarting:
            if archive is None:
                raise
        # the class-data archive may be what killed it: try once without; if that starts, the
        # archive was to blame and goes (the next start writes a new one)
        pid, _ = _launch(home, port, directory, heap, page_cache, cds=False)
        uri = _wait_ready(pid, port, home, timeout)
        archive.unlink(missing_ok=True)
        return uri


def _launch(
    home: Path, port: int, directory: Path, heap: list[str], page_cache: int, *, cds: bool
) -> tuple[int, Path | None]:
    """Spawn the launcher JVM, record its pid and port; return the pid and the CDS archive used."""
    java = _java()
    classpath = _classpath(directory)
    log = home / LOG_FILE
    if log.exists():
        log.replace(home / f"{LOG_FILE}.1")
    sharing = _cds(directory, java, classpath, home) if cds else _Cds([], None, None)
    extra = shlex.split(os.environ.get("CREDIT_HUB_NEO4J_JAVA_OPTS", ""))
    gc = [] if any(_GC_FLAG_RE.match(flag) for flag in extra) else [_DEFAULT_GC]
    argv = [
        str(java),
        *heap,
        *gc,
        *_JAVA_FLAGS,
        *sharing.flags,
        f"-XX:ErrorFile={home / 'hs_err_pid%p.log'}",
        *extra,
        "-cp",
        classpath,
        MAIN_CLASS,
        str(port),
        str(home),
        str(page_cache),
        str(home / PASSWORD_FILE),
    ]
    pid = _spawn(argv, log)
    _write_atomic(home / PID_FILE, f"{pid}\n")
    _write_atomic(home / PORT_FILE, f"{port}\n")
    _register(port, home)
    if sharing.part is not None:
        _write_atomic(home / "cds.part", f"{sharing.part}\n")
    else:
        (home / "cds.part").unlink(missing_ok=True)
    return pid, sharing.archive


def _spawn(argv: list[str], log: Path) -> int:
    """Launch detached (own session and process group), stdout and stderr into ``log``."""
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    null_fd = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.posix_spawn(
            argv[0],
            argv,
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, null_fd, 0),
                (os.POSIX_SPAWN_DUP2, log_fd, 1),
                (os.POSIX_SPAWN_DUP2, log_fd, 2),
            ],
            setsid=True,
        )
    except OSError as exc:
        raise LocalNeo4jError(f"cannot launch {argv[0]}: {exc}") from exc
    finally:
        os.close(log_fd)
        os.close(null_fd)


def stop(data_dir: Path, *, timeout: float = 60.0) -> bool:
    """Stop the local Neo4j of ``data_dir``: SIGTERM (its shutdown hook flushes the stores),
    SIGKILL after ``timeout`` seconds. True if an instance was running."""
    home = _home(data_dir)
    if not home.is_dir():
        return False
    with _locked(home / "launcher.lock"):
        pid = _running_pid(home)
        if pid is None:
            _forget(home)
            (home / "cds.part").unlink(missing_ok=True)
            return False
        clean = _terminate(pid, timeout)
        _unregister(home)
        _forget(home)
        if clean:
            _promote_cds_parts(home)
        else:
            (home / "cds.part").unlink(missing_ok=True)
        return True


def status(data_dir: Path) -> LocalNeo4jStatus:
    """Running means: the pid in the data dir is our launcher JVM and its Bolt port answers."""
    home = _home(data_dir)
    pid = _running_pid(home)
    if pid is None:
        return LocalNeo4jStatus(running=False, pid=None, port=None, uri=None)
    port = _read_int(home / PORT_FILE)
    if port is None:
        return LocalNeo4jStatus(running=False, pid=pid, port=None, uri=None)
    uri = _uri(port)
    running = _tcp_answers(port) and _bolt_answers(uri, _auth(home))
    return LocalNeo4jStatus(running=running, pid=pid, port=port, uri=uri if running else None)
