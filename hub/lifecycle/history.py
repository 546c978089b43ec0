"""An entry's history (R9: every step kept) and its status on a given day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from graph.lifecycle_store import ENTRY_HISTORY
from graph.reader import GraphReader
from graph.vocabulary import EntryStatus
from hub.clock import PLATFORM_ZONE, Clock


class History:
    def __init__(self, reader: GraphReader, clock: Clock) -> None:
        self._reader = reader
        self._clock = clock

    async def of(self, entry_id: str) -> dict[str, Any] | None:
        rows = await self._reader.rows(ENTRY_HISTORY, {"id": entry_id, "today": self._clock()})
        if not rows:
            return None
        row = rows[0]
        return {
            "entry": row["entry"],
            "transitions": [_plain(t) for t in row["transitions"]],
            "objections": [_plain(o) for o in row["objections"]],
            "repairs": [_plain(a) for a in row["repairs"]],
        }

    @staticmethod
    def status_on(found: dict[str, Any], day: date) -> tuple[EntryStatus | None, bool]:
        """The status after the last step taken on or before ``day`` (platform time), and
        whether the entry was in force that day (active and within its validity)."""
        entry = found["entry"]
        valid_until = date.fromisoformat(entry["valid_until"]) if entry["valid_until"] else None
        status = _status_from_steps(found["transitions"], day)
        if status is None and not found["transitions"]:
            status = _status_of_imported(entry, day)
        if status is None:
            return None, False
        if status == EntryStatus.ACTIVE and valid_until is not None and day > valid_until:
            return EntryStatus.EXITED, False
        return status, status == EntryStatus.ACTIVE


def _status_from_steps(transitions: list[dict[str, Any]], day: date) -> EntryStatus | None:
    status: EntryStatus | None = None
    for step in transitions:
        taken = datetime.fromisoformat(step["at"]).astimezone(PLATFORM_ZONE).date()
        if taken > day:
            break
        if step.get("to_status"):
            status = EntryStatus(step["to_status"])
    return status


def _status_of_imported(entry: dict[str, Any], day: date) -> EntryStatus | None:
    """Imported entries carry no steps: in force from identification until exit or expiry."""
    identified = date.fromisoformat(entry["identified_on"])
    if day < identified:
        return None
    exited = entry.get("exited_on")
    if exited and day >= date.fromisoformat(exited):
        return EntryStatus.EXITED
    stored = EntryStatus(entry["status"])
    return stored if stored != EntryStatus.EXITED else EntryStatus.ACTIVE


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.iso_format() if hasattr(v, "iso_format") else v for k, v in values.items()}
