"""Verifying one writer's chain and its signed checkpoints; naming the first tampered record.

The verifier walks a writer's stored records in ``seq`` order (in O(1) memory) and checks, for
each: that its content matches its ``hash`` (``SHA-256(0x01 || prev_hash || leaf)``), that its
``prev_hash`` is the previous record's ``hash`` (or the chain's start), that its ``seq`` is its
place in the chain, and, where a checkpoint was signed at its size, that the signed head is its
hash. At the first record that fails, it names what happened (docs/audit.md, "Findings"):

* ``changed``: a record's content no longer matches its hash (or its hash was recomputed, so
  the next record no longer links to it);
* ``removed``: a record is missing: the next one links to a hash no stored record has, or a
  signed checkpoint counts more records than are stored;
* ``inserted``: a record is not part of the chain: the next one links past it, or it comes
  after the writer's final checkpoint;
* ``reordered``: a record links to one that is stored after it;
* ``rewritten``: the records agree among themselves but do not reach a signed head (the whole
  stretch was re-hashed);
* ``bad checkpoint`` / ``bad retention mark``: a statement whose signature does not verify.

Classifying needs two things beyond the current record: a one-record look-ahead, and
``locate(hash)``, which finds the seq of the stored record with that hash (asked only once, at
the first anomaly). Records after the last checkpoint of a writer that did not close are
reported as *unsealed* (a warning, not a finding): nothing signed covers them yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from graph.audit.stored import filters_match, payload_content
from hub.audit.chain import GENESIS, chain_hash, leaf_hash, payload_leaf
from hub.audit.signing import CHECKPOINT, RETENTION, AuditKeys

Record = Mapping[str, Any]
Locate = Callable[[str], int | None]


@dataclass(frozen=True)
class Finding:
    writer: str
    kind: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"writer {self.writer}: {self.message}"


@dataclass(frozen=True)
class WriterReport:
    writer: str
    first_seq: int  # the first seq the chain holds (after a retention cut: through + 1)
    last_seq: int  # the last record checked (0: none)
    checkpoints: int
    sealed: int  # the size of the last checkpoint reached
    final: bool  # the writer closed its chain with a final checkpoint
    finding: Finding | None

    @property
    def unsealed(self) -> tuple[int, int] | None:
        """Records after the last checkpoint (a writer still running, or one that crashed)."""
        if self.finding is None and not self.final and self.last_seq > self.sealed:
            return self.sealed + 1, self.last_seq
        return None

    def __str__(self) -> str:
        if self.finding is not None:
            return str(self.finding)
        span = f"seq {self.first_seq}..{self.last_seq}" if self.last_seq else "no records kept"
        closed = ", closed" if self.final else ""
        text = f"writer {self.writer}: ok, {span}, sealed through {self.sealed}{closed}"
        unsealed = self.unsealed
        if unsealed is not None:
            text += f"; seq {unsealed[0]}..{unsealed[1]} not yet sealed by a checkpoint"
        return text


class _Stop(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class _Peekable:
    def __init__(self, items: Iterable[Record]) -> None:
        self._items: Iterator[Record] = iter(items)
        self._next: Record | None = None

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> Record:
        if self._next is not None:
            item, self._next = self._next, None
            return item
        return next(self._items)

    def peek(self) -> Record | None:
        if self._next is None:
            self._next = next(self._items, None)
        return self._next


class WriterVerifier:
    """Verifies one writer: ``run(records)`` with the records in ``seq`` order.

    A record is a stored record's properties, or ``{"seq": n, "leaf": hex}`` for a record known
    only by its leaf hash (an export's records after its time range, up to the checkpoint).
    ``start`` is (seq, hash) of the record before the first one given, when the chain is known
    to start there (an export); otherwise the start is GENESIS or the signed retention mark.
    """

    def __init__(
        self,
        writer: str,
        checkpoints: Iterable[Record],
        retention: Record | None,
        keys: AuditKeys,
        locate: Locate,
        start: tuple[int, str] | None = None,
    ) -> None:
        self.writer = writer
        self._keys = keys
        self._locate = locate
        self._checkpoints = sorted(checkpoints, key=lambda c: int(c["size"]))
        self._count = len(self._checkpoints)
        self._retention = retention
        self._start = start

    def run(self, records: Iterable[Record]) -> WriterReport:
        state = _State(0, GENESIS, 0, False)
        try:
            self._check_statements()
            state = self._starting_state()
            self._walk(_Peekable(records), state)
            self._check_tail(state)
        except _Stop as stop:
            return self._report(state, stop.finding)
        return self._report(state, None)

    def _report(self, state: _State, finding: Finding | None) -> WriterReport:
        return WriterReport(
            writer=self.writer,
            first_seq=state.first,
            last_seq=state.seq,
            checkpoints=self._count,
            sealed=state.sealed,
            final=state.final,
            finding=finding,
        )

    def _stop(self, kind: str, seq: int | None, message: str) -> _Stop:
        return _Stop(Finding(self.writer, kind, seq, message))

    def _check_statements(self) -> None:
        for statement in self._checkpoints:
            problem = self._keys.verify(CHECKPOINT, statement)
            if problem is None and statement.get("writer") != self.writer:
                problem = "it names another writer"
            if problem is not None:
                size = statement.get("size")
                raise self._stop("bad checkpoint", None, f"checkpoint at size {size}: {problem}")
        if self._retention is not None:
            problem = self._keys.verify(RETENTION, self._retention)
            if problem is not None:
                through = self._retention.get("through")
                raise self._stop(
                    "bad retention mark", None, f"retention mark through seq {through}: {problem}"
                )

    def _starting_state(self) -> _State:
        if self._start is not None:
            seq, head = self._start
        elif self._retention is not None:
            seq, head = int(self._retention["through"]), str(self._retention["head"])
        else:
            seq, head = 0, GENESIS
        state = _State(seq, head, 0, False)
        state.first = seq + 1
        # checkpoints at or before the start were reached before the cut
        while self._checkpoints and int(self._checkpoints[0]["size"]) <= seq:
            reached = self._checkpoints.pop(0)
            state.sealed = int(reached["size"])
            state.final = bool(reached.get("final"))
        return state

    def _walk(self, records: _Peekable, state: _State) -> None:
        pending = self._checkpoints
        final_size = next((int(c["size"]) for c in pending if c.get("final")), None)
        for record in records:
            seq = int(record["seq"])
            if seq <= state.first - 1:
                continue  # at or before a retention cut: pruned, not yet deleted
            if final_size is not None and seq > final_size:
                raise self._stop(
                    "inserted",
                    seq,
                    f"seq {seq} inserted: after the final checkpoint at size {final_size}",
                )
            current = self._link(record, records, state)
            if seq != state.seq + 1:
                raise self._stop(
                    "changed",
                    seq,
                    f"seq {seq} changed: its seq does not match its place in the chain "
                    f"(after seq {state.seq})",
                )
            state.seq, state.head = seq, current
            while pending and int(pending[0]["size"]) == seq:
                self._reach(pending.pop(0), state)

    def _link(self, record: Record, records: _Peekable, state: _State) -> str:
        """The record's hash, once its content and its link to the previous are checked."""
        seq = int(record["seq"])
        if "leaf" in record:
            return chain_hash(state.head, bytes.fromhex(str(record["leaf"])))
        stored = str(record.get("hash"))
        prev = str(record.get("prev_hash"))
        if not _intact(record, prev, stored):
            following = records.peek()
            if following is not None and following.get("prev_hash") == state.head:
                raise self._stop(
                    "inserted",
                    seq,
                    f"seq {seq} inserted: seq {following['seq']} links past it to seq {state.seq}",
                )
            raise self._stop(
                "changed", seq, f"seq {seq} changed: its content does not match its hash"
            )
        if prev != state.head:
            raise self._misplaced(seq, prev, state)
        return stored

    def _misplaced(self, seq: int, prev: str, state: _State) -> _Stop:
        linked = self._locate(prev)
        after = f"seq {state.seq}" if state.seq else "the start of the chain"
        if linked is None:
            if seq > state.seq + 1:
                missing = state.seq + 1
                return self._stop(
                    "removed", missing, f"seq {missing} removed: seq {seq} does not link to {after}"
                )
            return self._stop(
                "changed",
                state.seq,
                f"seq {state.seq} changed: seq {seq} does not link to it",
            )
        if linked > seq:
            return self._stop(
                "reordered",
                seq,
                f"seq {seq} reordered: it links to seq {linked}, which follows it",
            )
        if linked < state.seq:
            first = linked + 1
            return self._stop(
                "inserted", first, f"seq {first} inserted: seq {seq} links to seq {linked}"
            )
        return self._stop("changed", seq, f"seq {seq} changed: it does not link to {after}")

    def _reach(self, statement: Record, state: _State) -> None:
        size = int(statement["size"])
        if statement.get("head") != state.head:
            first = state.sealed + 1
            raise self._stop(
                "rewritten",
                first,
                f"seq {first}..{size} rewritten: the chain does not reach the head signed "
                f"at size {size}",
            )
        state.sealed = size
        state.final = bool(statement.get("final"))

    def _check_tail(self, state: _State) -> None:
        if self._checkpoints:
            size = int(self._checkpoints[-1]["size"])
            missing = state.seq + 1
            raise self._stop(
                "removed",
                missing,
                f"seq {missing} removed: the checkpoint at size {size} covers it",
            )


def _intact(record: Record, prev: str, stored: str) -> bool:
    """The record's content hashes to its ``hash``. A record read for verification
    (``AuditScan.chain``) is its stored canonical bytes (``payload``) and its filter properties
    as stored (``filters``), which must be the payload's own fields."""
    payload = record.get("payload")
    if payload is None:
        return chain_hash(prev, leaf_hash(record)) == stored
    if chain_hash(prev, payload_leaf(str(payload).encode())) != stored:
        return False
    try:
        fields = payload_content(str(payload))
    except orjson.JSONDecodeError:
        return False
    return filters_match(fields, record.get("filters") or ())


@dataclass
class _State:
    seq: int  # the last record reached
    head: str  # its hash
    sealed: int  # the size of the last checkpoint reached
    final: bool
    first: int = 1
