"""Subject reads for the GraphQL root fields: validate, run ONE query, shape the answer."""

from __future__ import annotations

from typing import Any

from graph.queries import enterprise_query, entities_query, person_query
from graph.reader import GraphReader
from graph.selection import Selection
from hub.audit.lookups import note_lookup
from hub.clock import Clock
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper
from hub.validation.identifiers import valid_id_number, valid_uscc


class SubjectReads:
    def __init__(
        self,
        reader: GraphReader,
        shaper: Shaper,
        cipher: FieldCipher,
        clock: Clock,
        entry_scope: str = "PUBLISHED",
        unit: str = "",
        lookups: dict[str, int] | None = None,
    ) -> None:
        self._reader = reader
        self._shaper = shaper
        self._cipher = cipher
        self._clock = clock
        # Which list entries the caller sees (graph.projection: PUBLISHED or UNIT).
        self._visibility = {"entry_scope": entry_scope, "unit": unit}
        self._lookups: dict[str, int] = {} if lookups is None else lookups

    async def enterprise(self, uscc: str, selection: Selection) -> Node | None:
        key = valid_uscc(uscc)
        parameters = {"uscc": key, "today": self._clock(), **self._visibility}
        rows = await self._reader.rows(enterprise_query(selection), parameters)
        note_lookup(self._lookups, bool(rows))
        return self._shaper.shape(rows[0]["node"], selection) if rows else None

    async def person(self, id_number: str, selection: Selection) -> Node | None:
        bidx = self._cipher.blind_index(PERSON_ID_NUMBER, valid_id_number(id_number))
        parameters = {"bidx": bidx, "today": self._clock(), **self._visibility}
        rows = await self._reader.rows(person_query(selection), parameters)
        note_lookup(self._lookups, bool(rows))
        return self._shaper.shape(rows[0]["node"], selection) if rows else None

    async def entities(
        self,
        representations: list[dict[str, Any]],
        enterprise: Selection | None,
        person: Selection | None,
    ) -> list[Node | None]:
        if not representations:
            return []
        rows = await self._reader.rows(
            entities_query(enterprise, person),
            {"representations": representations, "today": self._clock(), **self._visibility},
        )
        answers: list[Node | None] = [None] * len(representations)
        for row in rows:
            if row["enterprise"] is not None and enterprise is not None:
                answers[row["i"]] = self._shaper.shape(row["enterprise"], enterprise)
            elif row["person"] is not None and person is not None:
                answers[row["i"]] = self._shaper.shape(row["person"], person)
        return answers
