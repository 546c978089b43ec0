"""Verifying the audit store: every writer's chain, a writer per process.

A writer's chain is verified in ``seq`` order by one ``WriterVerifier``; different writers are
independent, so ``verify_store_parallel`` gives each its own process (and its own driver) up to
``jobs`` at once. Reading the records back through Bolt is the bound (Neo4j reading ~25
properties per record, the driver decoding them), and it runs on every core that way: Neo4j
serves the processes' reads concurrently.
"""

from __future__ import annotations

import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from graph.audit.scan import AuditScan
from graph.driver import open_driver
from hub.audit.signing import AuditKeys
from hub.audit.verify import WriterReport, WriterVerifier
from hub.settings import Settings


def verify_writer(scan: AuditScan, keys: AuditKeys, writer: str) -> WriterReport:
    """One writer's chain and checkpoints, to its first finding."""
    verifier = WriterVerifier(
        writer,
        scan.checkpoints(writer),
        scan.retention(writer),
        keys,
        functools.partial(scan.locate, writer),
    )
    return verifier.run(scan.chain(writer))


def verify_store(scan: AuditScan, keys: AuditKeys, writer: str | None = None) -> list[WriterReport]:
    """Every writer's chain (or one), one after the other, in this process."""
    return [verify_writer(scan, keys, name) for name in ([writer] if writer else scan.writers())]


def verify_store_parallel(
    settings: Settings, keys: AuditKeys, writers: list[str], jobs: int
) -> list[WriterReport]:
    """The writers' chains in up to ``jobs`` processes; reports in the order of ``writers``."""
    context = multiprocessing.get_context("spawn")  # no driver threads inherited
    workers = max(1, min(jobs, len(writers)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        runs = [pool.submit(_verify_writer_job, settings, keys, name) for name in writers]
        return [run.result() for run in runs]


def _verify_writer_job(settings: Settings, keys: AuditKeys, writer: str) -> WriterReport:
    driver = open_driver(settings, settings.audit_neo4j_uri)
    try:
        return verify_writer(AuditScan(driver, settings.neo4j_database), keys, writer)
    finally:
        driver.close()
