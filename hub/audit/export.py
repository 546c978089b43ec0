"""Export a time range of the audit log as signed JSON Lines, and verify such a file offline.

The file (docs/audit.md, "Export"), one JSON object a line:

* ``{"type": "header", "version": 1, "from": ..., "to": ..., "exported_at": ...}``
* per writer with records in the range, in seq order: ``{"type": "event", "record": {...}}``
  for every record from the first to the last one in the range (stored properties, hashes
  included); then ``{"type": "leaf", "writer", "seq", "leaf"}`` for the records after the
  range up to the first checkpoint that covers it (their leaf hashes only, not their content);
  then ``{"type": "checkpoint", "checkpoint": {...}}``, that signed checkpoint;
* last, ``{"type": "signature", "lines": n, "sha256": ..., "key_id": ..., "signature": ...}``:
  Ed25519 over the SHA-256 of every byte before it.

``verify_file`` needs only the audit public key(s): the file's signature (nothing was added,
dropped or edited after the export), and each writer's stretch of chain against the
checkpoint that the hub signed when it wrote those records (nothing was changed before).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from graph.audit.scan import AuditScan
from hub.audit.chain import leaf_hash
from hub.audit.log import audit_time
from hub.audit.signing import EXPORT, AuditKeys, AuditSigner
from hub.audit.verify import WriterReport, WriterVerifier

VERSION = 1
_CHECKPOINT_LINE = b'{"type":"checkpoint"'
_SIGNATURE_LINE = b'{"type":"signature"'


@dataclass(frozen=True)
class ExportSummary:
    writers: int
    events: int
    lines: int

    def __str__(self) -> str:
        return f"exported {self.events} record(s) of {self.writers} writer(s), {self.lines} lines"


class _Out:
    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self.digest = hashlib.sha256()
        self.lines = 0

    def emit(self, item: dict[str, Any]) -> None:
        line = orjson.dumps(item) + b"\n"
        self.digest.update(line)
        self._out.write(line)
        self.lines += 1


def export_range(
    scan: AuditScan, signer: AuditSigner, start: str, end: str, out: IO[bytes]
) -> ExportSummary:
    """Write the records with ``start <= at < end`` (UTC ISO strings) to ``out``, signed."""
    sink = _Out(out)
    sink.emit(
        {
            "type": "header",
            "version": VERSION,
            "from": start,
            "to": end,
            "exported_at": audit_time(),
        }
    )
    writers = events = 0
    for writer, first, last in scan.writers_in_range(start, end):
        writers += 1
        for record in scan.records(writer, after=first - 1, through=last):
            sink.emit({"type": "event", "record": record})
            events += 1
        checkpoint = scan.first_checkpoint_from(writer, last)
        if checkpoint is None:
            continue  # not sealed yet: covered by the export's signature only
        for record in scan.records(writer, after=last, through=int(checkpoint["size"])):
            leaf = leaf_hash(record).hex()
            sink.emit({"type": "leaf", "writer": writer, "seq": record["seq"], "leaf": leaf})
        sink.emit({"type": "checkpoint", "checkpoint": checkpoint})
    lines = sink.lines
    signed = signer.sign(
        EXPORT, {"type": "signature", "lines": lines, "sha256": sink.digest.hexdigest()}
    )
    out.write(orjson.dumps(signed) + b"\n")
    return ExportSummary(writers, events, lines + 1)


@dataclass(frozen=True)
class FileReport:
    problems: list[str]  # about the file as a whole
    writers: list[WriterReport]

    @property
    def ok(self) -> bool:
        return not self.problems and all(w.finding is None for w in self.writers)


def verify_file(path: Path, keys: AuditKeys) -> FileReport:
    problems, checkpoints = _check_signature(path, keys)
    reports = []
    for writer, group in itertools.groupby(_chain_items(path), key=_writer_of):
        first = next(group)
        verifier = WriterVerifier(
            writer,
            checkpoints.get(writer, []),
            None,
            keys,
            functools.partial(_locate, path, writer),
            start=(int(first["seq"]) - 1, str(first.get("prev_hash"))),
        )
        reports.append(verifier.run(itertools.chain([first], group)))  # noqa: B031 - read once
    return FileReport(problems, reports)


def _writer_of(item: dict[str, Any]) -> str:
    return str(item.get("writer"))


def _check_signature(path: Path, keys: AuditKeys) -> tuple[list[str], dict[str, list[Any]]]:
    """Pass 1: the digest of every line but the last, the signature line, the checkpoints."""
    digest = hashlib.sha256()
    checkpoints: dict[str, list[Any]] = {}
    lines = 0
    last: bytes | None = None
    with path.open("rb") as file:
        for line in file:
            if last is not None:
                digest.update(last)
                lines += 1
            last = line
            if line.startswith(_CHECKPOINT_LINE):
                statement = orjson.loads(line)["checkpoint"]
                checkpoints.setdefault(str(statement.get("writer")), []).append(statement)
    if last is None or not last.startswith(_SIGNATURE_LINE):
        return ["the file has no signature line"], checkpoints
    signed = orjson.loads(last)
    problems = []
    trouble = keys.verify(EXPORT, signed)
    if trouble is not None:
        problems.append(f"export signature: {trouble}")
    if signed.get("sha256") != digest.hexdigest() or signed.get("lines") != lines:
        problems.append("the file was changed after it was signed (lines or digest differ)")
    return problems, checkpoints


def _chain_items(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as file:
        for line in file:
            item = orjson.loads(line)
            kind = item.get("type")
            if kind == "event":
                yield item["record"]
            elif kind == "leaf":
                yield {"writer": item["writer"], "seq": item["seq"], "leaf": item["leaf"]}


def _locate(path: Path, writer: str, hash_: str) -> int | None:
    for item in _chain_items(path):
        if item.get("writer") == writer and item.get("hash") == hash_:
            return int(item["seq"])
    return None
