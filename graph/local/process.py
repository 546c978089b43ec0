"""The launcher JVM as a process: start (detached, own session), readiness (its READY line and a
Bolt log-in), stop (SIGTERM, then SIGKILL), status, and the pid and port files of its home.

One instance per data dir; instances in other data dirs on other ports run side by side.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from graph.local import jvm
from graph.local.config import DEFAULT_CONFIG, LocalNeo4jConfig
from graph.local.credentials import (
    PASSWORD_FILE,
    auth_of,
    ensure_password,
    register,
    unregister,
)
from graph.local.errors import ExitedWhileStarting, LocalNeo4jError
from graph.local.files import (
    HOST,
    LOG_FILE,
    PID_FILE,
    PORT_FILE,
    bolt_uri,
    home_of,
    locked,
    read_int,
    write_atomic,
)
from graph.local.jars import ensure_jars
from graph.local.launcher import (
    CDS_RECORD,
    MAIN_CLASS,
    NO_CDS,
    class_data_sharing,
    classpath,
    promote_cds_parts,
)

DEFAULT_PORT = 7687
READY_MARK = "READY bolt://"


@dataclass(frozen=True)
class LocalNeo4jStatus:
    running: bool
    pid: int | None
    port: int | None
    uri: str | None


def start(
    data_dir: Path,
    port: int = DEFAULT_PORT,
    *,
    timeout: float = 120.0,
    config: LocalNeo4jConfig = DEFAULT_CONFIG,
) -> str:
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
    home = home_of(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    with locked(home / "launcher.lock"):
        pid = _running_pid(home)
        if pid is not None:
            running_port = read_int(home / PORT_FILE)
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
        return _start_new(home, port, timeout, config)


def _start_new(home: Path, port: int, timeout: float, config: LocalNeo4jConfig) -> str:
    """Launch a JVM for ``home`` and wait for it; once more without class-data sharing if the
    archive may be what killed it (if that starts, the archive goes; the next start writes one)."""
    heap = jvm.heap_flags(config)
    page_cache = jvm.page_cache_bytes(config)
    ensure_password(home)
    directory = ensure_jars(config)
    pid, archive = _launch(home, port, directory, heap, page_cache, config, cds=True)
    try:
        return _wait_ready(pid, port, home, timeout)
    except ExitedWhileStarting:
        if archive is None:
            raise
    pid, _ = _launch(home, port, directory, heap, page_cache, config, cds=False)
    uri = _wait_ready(pid, port, home, timeout)
    archive.unlink(missing_ok=True)
    return uri


def _launch(
    home: Path,
    port: int,
    directory: Path,
    heap: list[str],
    page_cache: int,
    config: LocalNeo4jConfig,
    *,
    cds: bool,
) -> tuple[int, Path | None]:
    """Spawn the launcher JVM, record its pid and port; return the pid and the CDS archive used."""
    java = jvm.java(config)
    jars = classpath(directory)
    log = home / LOG_FILE
    if log.exists():
        log.replace(home / f"{LOG_FILE}.1")
    sharing = (
        class_data_sharing(directory, java, jars, home)
        if cds and config.class_data_sharing
        else NO_CDS
    )
    extra = jvm.extra_flags(config)
    argv = [
        str(java),
        *heap,
        *jvm.collector_flags(extra),
        *jvm.JAVA_FLAGS,
        *sharing.flags,
        f"-XX:ErrorFile={home / 'hs_err_pid%p.log'}",
        *extra,
        "-cp",
        jars,
        MAIN_CLASS,
        str(port),
        str(home),
        str(page_cache),
        str(home / PASSWORD_FILE),
    ]
    pid = _spawn(argv, log)
    write_atomic(home / PID_FILE, f"{pid}\n")
    write_atomic(home / PORT_FILE, f"{port}\n")
    register(port, home, config)
    if sharing.part is not None:
        write_atomic(home / CDS_RECORD, f"{sharing.part}\n")
    else:
        (home / CDS_RECORD).unlink(missing_ok=True)
    return pid, sharing.archive


def _spawn(argv: list[str], log: Path) -> int:
    """Launch detached (own session and process group), stdout and stderr into ``log``; the JVM
    inherits this process's environment."""
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


def stop(
    data_dir: Path, *, timeout: float = 60.0, config: LocalNeo4jConfig = DEFAULT_CONFIG
) -> bool:
    """Stop the local Neo4j of ``data_dir``: SIGTERM (its shutdown hook flushes the stores),
    SIGKILL after ``timeout`` seconds. True if an instance was running."""
    home = home_of(data_dir)
    if not home.is_dir():
        return False
    with locked(home / "launcher.lock"):
        pid = _running_pid(home)
        if pid is None:
            _forget(home)
            (home / CDS_RECORD).unlink(missing_ok=True)
            return False
        clean = _terminate(pid, timeout)
        unregister(home, config)
        _forget(home)
        if clean:
            promote_cds_parts(home)
        else:
            (home / CDS_RECORD).unlink(missing_ok=True)
        return True


def status(data_dir: Path) -> LocalNeo4jStatus:
    """Running means: the pid in the data dir is our launcher JVM and its Bolt port answers."""
    home = home_of(data_dir)
    pid = _running_pid(home)
    if pid is None:
        return LocalNeo4jStatus(running=False, pid=None, port=None, uri=None)
    port = read_int(home / PORT_FILE)
    if port is None:
        return LocalNeo4jStatus(running=False, pid=pid, port=None, uri=None)
    uri = bolt_uri(port)
    running = _tcp_answers(port) and _bolt_answers(uri, auth_of(home))
    return LocalNeo4jStatus(running=running, pid=pid, port=port, uri=uri if running else None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


# --------------------------------------------------------------------------- the pid


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
    pid = read_int(home / PID_FILE)
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


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM the JVM's process group, SIGKILL it after ``timeout``; True if it exited cleanly."""
    _signal_group(pid, signal.SIGTERM)
    if _wait_gone(pid, timeout):
        return True
    _signal_group(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)
    return False


# --------------------------------------------------------------------------- readiness


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
    uri = bolt_uri(port)
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(pid):
            _forget(home)
            raise ExitedWhileStarting(
                f"the local Neo4j (pid {pid}) exited while starting; the end of "
                f"{home / LOG_FILE}:\n{_log_tail(home)}"
            )
        if _log_says_ready(home) and _tcp_answers(port) and _bolt_answers(uri, auth_of(home)):
            return uri
        if time.monotonic() >= deadline:
            _terminate(pid, timeout=10.0)
            _forget(home)
            raise LocalNeo4jError(
                f"the local Neo4j (pid {pid}) did not answer on {uri} within {timeout:g} s "
                f"and was stopped; the end of {home / LOG_FILE}:\n{_log_tail(home)}"
            )
        time.sleep(0.1)
