"""The local Neo4j against the real thing: JVMs started and stopped in tmp data dirs.

Java 17 and Maven are required (the first run fetches the jars into the cache). One instance
serves the module; a second one, in another data dir on another port, runs beside it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from graph import local as local_neo4j
from graph.local import LocalNeo4jError
from hub.settings import local_neo4j_config


@dataclass(frozen=True)
class Instance:
    data_dir: Path
    port: int
    uri: str


def _launchers_of(data_dir: Path) -> list[int]:
    """Pids of every launcher JVM whose command line names this data dir's home."""
    home = str((data_dir / "neo4j").resolve()).encode()
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if local_neo4j.MAIN_CLASS.encode() in argv and home in argv:
            pids.append(int(proc.name))
    return pids


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    data_dir = tmp_path_factory.mktemp("neo4j-a")
    port = local_neo4j.free_port()
    uri = local_neo4j.start(data_dir, port, config=local_neo4j_config())
    pid = local_neo4j.status(data_dir).pid
    try:
        yield Instance(data_dir, port, uri)
    finally:
        assert local_neo4j.stop(data_dir, config=local_neo4j_config()) is True
        assert pid is not None and _gone(pid)
        assert _launchers_of(data_dir) == []
        assert not local_neo4j.status(data_dir).running


def test_start_returns_the_bolt_uri_and_status_says_running(instance: Instance) -> None:
    assert instance.uri == f"bolt://127.0.0.1:{instance.port}"
    status = local_neo4j.status(instance.data_dir)
    assert status.running
    assert status.port == instance.port
    assert status.uri == instance.uri
    assert status.pid is not None and _launchers_of(instance.data_dir) == [status.pid]
    home = instance.data_dir / "neo4j"
    assert (home / "neo4j.pid").read_text().strip() == str(status.pid)
    assert (home / "neo4j.port").read_text().strip() == str(instance.port)
    assert "READY bolt://127.0.0.1:" in (home / "neo4j.log").read_text()
    assert (home / "data" / "databases" / "neo4j").is_dir()


def test_cypher_works_with_the_generated_credentials(instance: Instance) -> None:
    auth = local_neo4j.credentials(instance.data_dir)
    assert local_neo4j.credentials_for(instance.uri) == auth  # any client finds them by port
    with GraphDatabase.driver(instance.uri, auth=auth) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        info = driver.get_server_info()
        assert info.agent.startswith("Neo4j/5.26.")
        assert info.agent == f"Neo4j/{local_neo4j.neo4j_version()}"


def test_start_again_is_idempotent(instance: Instance) -> None:
    pid = local_neo4j.status(instance.data_dir).pid
    assert (
        local_neo4j.start(instance.data_dir, instance.port, config=local_neo4j_config())
        == instance.uri
    )
    assert local_neo4j.status(instance.data_dir).pid == pid
    assert _launchers_of(instance.data_dir) == [pid]


def test_start_on_another_port_of_a_running_data_dir_fails(instance: Instance) -> None:
    with pytest.raises(LocalNeo4jError, match=rf"already runs on port {instance.port}"):
        local_neo4j.start(instance.data_dir, local_neo4j.free_port(), config=local_neo4j_config())


def test_a_port_taken_by_something_else_fails_clearly(instance: Instance, tmp_path: Path) -> None:
    with pytest.raises(LocalNeo4jError, match=rf"port {instance.port} .* already in use"):
        local_neo4j.start(tmp_path, instance.port, config=local_neo4j_config())
    assert not (tmp_path / "neo4j" / "neo4j.pid").exists()
    assert _launchers_of(tmp_path) == []


def test_a_second_instance_runs_beside_the_first_and_stops(
    instance: Instance, tmp_path: Path
) -> None:
    home = tmp_path / "neo4j"
    home.mkdir()
    # a stale pid file naming a live process that is no launcher (this pytest): never touched
    (home / "neo4j.pid").write_text(f"{os.getpid()}\n")
    (home / "neo4j.port").write_text("1\n")
    assert local_neo4j.status(tmp_path) == local_neo4j.LocalNeo4jStatus(False, None, None, None)
    assert local_neo4j.stop(tmp_path, config=local_neo4j_config()) is False

    port = local_neo4j.free_port()
    uri = local_neo4j.start(tmp_path, port, timeout=120.0, config=local_neo4j_config())
    try:
        assert uri == f"bolt://127.0.0.1:{port}" != instance.uri
        second = local_neo4j.status(tmp_path)
        first = local_neo4j.status(instance.data_dir)
        assert second.running and first.running
        assert second.pid is not None and second.pid != first.pid
        for each in (uri, instance.uri):
            with GraphDatabase.driver(each, auth=local_neo4j.credentials_for(each)) as driver:
                driver.execute_query("CREATE (:Probe {at: $uri})", uri=each)
        assert local_neo4j.credentials(tmp_path) != local_neo4j.credentials(instance.data_dir)
        with GraphDatabase.driver(uri, auth=local_neo4j.credentials(tmp_path)) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.at AS at")
            assert [record["at"] for record in records] == [uri]  # separate databases
    finally:
        stopped = local_neo4j.stop(tmp_path, config=local_neo4j_config())
    assert stopped is True
    assert _gone(second.pid)
    assert _launchers_of(tmp_path) == []
    assert not (home / "neo4j.pid").exists()
    assert local_neo4j.status(tmp_path) == local_neo4j.LocalNeo4jStatus(False, None, None, None)
    assert local_neo4j.stop(tmp_path, config=local_neo4j_config()) is False
    assert local_neo4j.status(instance.data_dir).running  # the first one is untouched


@pytest.mark.parametrize(
    "auth",
    [None, ("neo4j", "neo4j"), ("neo4j", ""), ("neo4j", "change-me-please")],
    ids=["no-credentials", "default-password", "empty-password", "compose-password"],
)
def test_attack_class_6_an_unauthenticated_bolt_connection_is_refused(
    instance: Instance, auth: tuple[str, str] | None
) -> None:
    """Attack class 6: the local Neo4j ran without authentication; any local process could read
    and write the whole credit graph and its audit log over Bolt."""
    with GraphDatabase.driver(instance.uri, auth=auth) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()


def test_attack_class_6_the_password_is_generated_and_kept_0600(instance: Instance) -> None:
    """Attack class 6: a generated password, readable by its owner only, under the data dir."""
    path = local_neo4j.password_file(instance.data_dir)
    assert path == instance.data_dir.resolve() / "neo4j" / "neo4j.password"
    assert path.stat().st_mode & 0o777 == 0o600
    user, password = local_neo4j.credentials(instance.data_dir)
    assert user == "neo4j"
    assert len(password) >= 32 and password.isascii() and password.isprintable()
    assert password not in (path.parent / "neo4j.log").read_text()  # nor in the process list
    assert (
        password.encode()
        not in Path(f"/proc/{local_neo4j.status(instance.data_dir).pid}/cmdline").read_bytes()
    )


def test_a_stale_pid_file_is_not_running(tmp_path: Path) -> None:
    home = tmp_path / "neo4j"
    home.mkdir()
    (home / "neo4j.pid").write_text(f"{_dead_pid()}\n")
    (home / "neo4j.port").write_text("7687\n")
    assert not local_neo4j.status(tmp_path).running
    assert local_neo4j.stop(tmp_path, config=local_neo4j_config()) is False
    assert not (home / "neo4j.pid").exists()


def test_a_jvm_that_dies_while_starting_is_reported_with_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cds = local_neo4j.ensure_jars(local_neo4j_config(), quiet=True) / "cds"
    archives = sorted(cds.glob("*.jsa"))
    monkeypatch.setenv("CREDIT_HUB_NEO4J_JAVA_OPTS", "-XX:+NoSuchOptionAtAll")
    with pytest.raises(LocalNeo4jError, match=r"exited while starting(?s:.*)NoSuchOptionAtAll"):
        local_neo4j.start(tmp_path, local_neo4j.free_port(), config=local_neo4j_config())
    assert not (tmp_path / "neo4j" / "neo4j.pid").exists()
    assert _launchers_of(tmp_path) == []
    assert sorted(cds.glob("*.jsa")) == archives  # a class-data archive is not blamed for it


def test_a_bad_heap_setting_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_HUB_NEO4J_HEAP", "lots")
    with pytest.raises(LocalNeo4jError, match="CREDIT_HUB_NEO4J_HEAP"):
        local_neo4j.start(tmp_path, local_neo4j.free_port(), config=local_neo4j_config())


def test_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalNeo4jError, match=r"Java \('java'\) is not on PATH.*Java 17\+"):
        local_neo4j.ensure_jars(local_neo4j_config(), quiet=True)


def test_an_old_java_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    java = tmp_path / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n")
    java.chmod(0o755)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalNeo4jError, match=r"is Java 11; .* Java 17 or newer"):
        local_neo4j.ensure_jars(local_neo4j_config(), quiet=True)


def test_missing_maven_is_named_when_the_jars_are_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_java = subprocess.run(
        ["sh", "-c", "command -v java"], capture_output=True, text=True, check=True
    ).stdout.strip()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(Path(real_java).resolve())
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("CREDIT_HUB_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(
        LocalNeo4jError, match=r"Maven \('mvn'\) is not on PATH.*Java 17\+ and Maven"
    ):
        local_neo4j.ensure_jars(local_neo4j_config(), quiet=True)


def test_a_bad_page_cache_setting_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_HUB_NEO4J_PAGECACHE", "1x")
    with pytest.raises(LocalNeo4jError, match="CREDIT_HUB_NEO4J_PAGECACHE must be a size"):
        local_neo4j.start(tmp_path, local_neo4j.free_port(), config=local_neo4j_config())
    assert not (tmp_path / "neo4j" / "neo4j.pid").exists()


def test_attack_class_6_a_second_start_reuses_the_password(instance: Instance) -> None:
    """Attack class 6: the password survives a restart (clients keep working) and a looser mode
    on the file is tightened back to 0600. Runs last of the module's instance tests."""
    path = local_neo4j.password_file(instance.data_dir)
    before = local_neo4j.credentials(instance.data_dir)
    assert local_neo4j.stop(instance.data_dir, config=local_neo4j_config()) is True
    path.chmod(0o644)
    assert (
        local_neo4j.start(instance.data_dir, instance.port, config=local_neo4j_config())
        == instance.uri
    )
    assert local_neo4j.credentials(instance.data_dir) == before
    assert path.stat().st_mode & 0o777 == 0o600
    with GraphDatabase.driver(instance.uri, auth=before) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
    with GraphDatabase.driver(instance.uri) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()
