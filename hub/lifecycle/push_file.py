"""``credit-hub push FILE --unit U``: a unit's batch of up to 10,000 proposals from a file.

Each line is one proposal in the import file's entry format (docs/import.md) without
``status``/``unit``/``type``: the unit is the pushing unit, and the entries start as PROPOSED.
The batch goes through the same checks as ``pushEntries`` (R3 cross-checks included): every
failing line is reported and nothing is written unless all pass.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

from graph.driver import open_async_driver
from graph.vocabulary import ListKind
from hub.clock import Clock, today
from hub.errors import BadInput, ImportRejected
from hub.keys.crypto import FieldCipher, load_keyring
from hub.lifecycle.proposals import Proposals
from hub.lifecycle.rules import Refusal
from hub.lifecycle.steps import Actor, Proposal
from hub.reading.sources import file_batch
from hub.settings import Settings
from hub.validation.unit_codes import valid_unit_code
from hub.values import parse_date

_ALLOWED = {
    "id", "list", "subject", "domain", "basis", "legal_basis", "act_date", "identified_on",
    "valid_until", "repairable", "repair_method", "repair_earliest", "watch_months_after_exit",
}  # fmt: skip


def read_proposals(path: Path) -> list[Proposal]:
    problems: list[str] = []
    proposals: list[Proposal] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            proposals.append(_proposal(json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not a JSON object ({exc.msg})")
        except BadInput as exc:
            problems.append(f"line {number}: {exc.field}: {exc.rule}")
    if problems:
        raise ImportRejected(problems)
    return proposals


def _proposal(fields: Any) -> Proposal:
    if not isinstance(fields, dict):
        raise BadInput("line", "must be a JSON object")
    unknown = sorted(set(fields) - _ALLOWED)
    if unknown:
        raise BadInput(unknown[0], "not a proposal field (see docs/lifecycle.md)")
    subject = fields.get("subject")
    if not isinstance(subject, dict):
        raise BadInput("subject", "an object with uscc or id_number")
    try:
        return Proposal(
            list=ListKind(str(fields.get("list"))),
            subject_uscc=subject.get("uscc"),
            subject_id_number=subject.get("id_number"),
            domain=str(fields.get("domain", "")),
            basis=int(fields.get("basis", 0)),
            identified_on=_day(fields, "identified_on", required=True),  # type: ignore[arg-type]
            valid_until=_day(fields, "valid_until", required=True),  # type: ignore[arg-type]
            id=fields.get("id"),
            legal_basis=fields.get("legal_basis"),
            act_date=_day(fields, "act_date"),
            repairable=fields.get("repairable"),
            repair_method=fields.get("repair_method"),
            repair_earliest=_day(fields, "repair_earliest"),
            watch_months_after_exit=fields.get("watch_months_after_exit"),
        )
    except ValueError as exc:
        raise BadInput("list", f"RED, BLACK or WATCH ({exc})") from None


def _day(fields: dict[str, Any], name: str, *, required: bool = False) -> date | None:
    value = fields.get(name)
    if value is None:
        if required:
            raise BadInput(name, "required (YYYY-MM-DD)")
        return None
    return parse_date(value, name)


def push_file(settings: Settings, path: Path, unit: str, user: str, clock: Clock = today) -> int:
    """Returns the number of entries proposed; raises ImportRejected naming every bad line.

    The command's own wiring (settings to driver and keys), so the system clock is its default.
    """
    unit = valid_unit_code(unit, "--unit")  # never a policy keyword (issue 12)
    proposals = read_proposals(path)
    batch = file_batch(path.read_bytes())
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=not settings.is_production))

    async def run() -> int:
        driver = open_async_driver(settings)
        try:
            desk = Proposals(driver, settings.neo4j_database, cipher, clock)
            entries = await desk.propose(Actor(user, unit), proposals, None, batch)
        except Refusal as refusal:
            raise ImportRejected(
                [f"line {p.index + 1}: {p.field}: {p.rule}" for p in refusal.details["problems"]]  # type: ignore[attr-defined]
            ) from None
        finally:
            await driver.close()
        return len(entries)

    return asyncio.run(run())
