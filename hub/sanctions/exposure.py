"""``exposure(subject, depth)``: the listed subjects around a subject, each with its path.

Exposure is information for agencies: it never adds a measure (``check`` decides those).
ONE bounded Cypher round trip (``graph.exposure.EXPOSURE``); ``capped`` says when a super node
or the walk budget cut the answer short.
"""

from __future__ import annotations

from typing import Any

from graph.exposure import EXPOSURE
from graph.reader import GraphReader
from hub.audit.disclosure import Disclosure
from hub.audit.lookups import note_lookup
from hub.clock import Clock
from hub.errors import BadInput
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper
from hub.sanctions.checks import SubjectKey

MAX_DEPTH = 3
FANOUT = 200
"""At most this many relationships are followed from one node."""
MAX_WALKS = 2000
"""At most this many walks are kept per level (2 and 3 hops)."""


class ExposureDesk:
    def __init__(
        self,
        reader: GraphReader,
        shaper: Shaper,
        cipher: FieldCipher,
        disclosure: Disclosure,
        clock: Clock,
    ) -> None:
        self._reader = reader
        self._shaper = shaper
        self._cipher = cipher
        self._disclosure = disclosure
        self._clock = clock

    async def exposure(self, subject: SubjectKey, depth: int) -> Node:
        if not 1 <= depth <= MAX_DEPTH:
            raise BadInput("depth", f"must be between 1 and {MAX_DEPTH}")
        bidx = (
            self._cipher.blind_index(PERSON_ID_NUMBER, subject.id_number)
            if subject.id_number is not None
            else None
        )
        rows = await self._reader.rows(
            EXPOSURE,
            {
                "uscc": subject.uscc,
                "bidx": bidx,
                "depth": depth,
                "fanout": FANOUT,
                "max_walks": MAX_WALKS,
                "today": self._clock(),
            },
        )
        note_lookup(self._disclosure.check_tally, bool(rows))
        if not rows:
            return self._shaper.restrict(
                "Exposure", {"found": False, "depth": depth, "capped": False, "items": []}
            )
        row = rows[0]
        self._disclosure.subjects.add(f"{row['label']}:{row['key']}")
        items = sorted(row["items"], key=lambda i: (i["hops"], i["entry"]["id"], _path(i)))
        return self._shaper.restrict(
            "Exposure",
            {
                "found": True,
                "depth": depth,
                "capped": bool(row["capped"]),
                "items": [self._item(item) for item in items],
            },
        )

    def _item(self, item: dict[str, Any]) -> Node:
        for node in item["nodes"]:
            self._disclosure.subjects.add(f"{node['label']}:{node['key']}")
        entry = item["entry"]
        listed = item["nodes"][-1]
        return self._shaper.restrict(
            "ExposureItem",
            {
                "hops": item["hops"],
                "listed_subject": f"{listed['label']}:{listed['key']}",
                "entry_id": entry["id"],
                "list": entry["list"],
                "status": entry["status"],
                "domain": entry["domain"],
                "act_date": entry["act_date"],
                "identified_on": entry["identified_on"],
                "valid_until": entry["valid_until"],
                "held_on_act_date": item["held_on_act_date"],
                "path": _path(item),
            },
        )


def _path(item: dict[str, Any]) -> list[str]:
    """``Person:<id>``, ``-[DIRECTOR 2019-05-01..open]->``, ``Enterprise:<uscc>``, …, the entry."""
    nodes: list[dict[str, Any]] = item["nodes"]
    path = [f"{nodes[0]['label']}:{nodes[0]['key']}"]
    for step, node in zip(item["steps"], nodes[1:], strict=True):
        dates = f"{step['from'] or '?'}..{step['to'] or 'open'}"
        share = f" {step['percent']}%" if step["percent"] is not None else ""
        label = f"{step['kind']}{share} {dates}"
        path.append(f"-[{label}]->" if step["forward"] else f"<-[{label}]-")
        path.append(f"{node['label']}:{node['key']}")
    entry = item["entry"]
    path.append(
        f"<-ListEntry:{entry['id']} {entry['list']} {entry['status']}"
        f" identified {entry['identified_on']} act {entry['act_date'] or 'unknown'}"
    )
    return path
