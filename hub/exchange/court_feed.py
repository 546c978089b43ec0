"""The courts' list of dishonest judgment debtors (失信被执行人, R15) as an import feed.

``credit-hub import --court-feed FILE.jsonl`` reads the feed format of docs/federation.md
("Sources federated in"), translates it line for line into the import format of docs/import.md
and imports that with ``hub.importing.run.import_file``: the same all-or-nothing validation (a
problem names the feed's line), the same idempotency and the same audit record (``Cli.import``).

* ``court`` lines become units of kind COURT; ``case`` lines become BLACK entries in the
  JUDICIAL domain, basis category 3 (refusal to fulfil an effective judicial decision, R2),
  owned by the court that listed them. A case may only name a court of kind COURT.
* The entry id is derived from (court, case number), so a case is the same entry in every batch:
  re-importing a feed changes nothing, and a later batch updates the case (e.g. performed).
* A case whose obligations are fully performed arrives as ``EXITED`` (``CREDIT_REPAIRED``, on
  ``performed_on``); partly or not performed, it is ``ACTIVE``.
* ``enterprise`` and ``person`` lines pass through unchanged (debtors the graph does not know yet).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import orjson

from graph.driver import open_driver
from graph.vocabulary import SourceFeed
from hub.errors import BadInput, ImportRejected
from hub.importing.fields import Problems
from hub.importing.run import ImportSummary, import_file
from hub.reading.sources import Source, file_batch
from hub.settings import Settings
from hub.values import parse_date

PERFORMANCE = ("NOT_PERFORMED", "PARTLY_PERFORMED", "PERFORMED")
DOMAIN = "JUDICIAL"
BASIS_JUDICIAL_REFUSAL = 3  # R2 (3): refusal to fulfil an effective judicial decision
ID_PREFIX = "CJD-"
MAX_TEXT = 500
_CASE_FIELDS = {
    "type",
    "case_number",
    "court",
    "basis_document",
    "obligations",
    "performance",
    "listed_on",
    "performed_on",
    "valid_until",
    "subject",
}
_COURT_FIELDS = {"type", "code", "name"}
_PASS_THROUGH = {"enterprise", "person"}


def entry_id(court: str, case_number: str) -> str:
    """The entry id of a case: stable across batches, never reused by another case."""
    digest = hashlib.sha256(f"{court}\x00{case_number}".encode()).hexdigest()
    return ID_PREFIX + digest[:24].upper()


def import_court_feed(settings: Settings, path: Path) -> ImportSummary:
    """Check and import a court feed; raise ``ImportRejected`` having written nothing."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([f"{path}: can not be read: {exc.strerror}"]) from None
    lines, courts_used, courts_defined, problems = translate(raw)
    if problems:
        raise ImportRejected(problems.sorted())
    _check_courts_in_graph(settings, courts_used, courts_defined)
    with tempfile.TemporaryDirectory(prefix="court-feed-") as tmp:
        translated = Path(tmp) / "import.jsonl"
        translated.write_bytes(b"\n".join(lines) + b"\n")
        return import_file(settings, translated, Source(SourceFeed.COURT_FEED, file_batch(raw)))


def translate(
    raw: bytes,
) -> tuple[list[bytes], dict[str, list[int]], set[str], Problems]:
    """The import lines (one per feed line, so problems keep the feed's line numbers), the
    courts cases name (code -> lines), the courts the feed defines, and the problems."""
    problems = Problems()
    out: list[bytes] = []
    courts_used: dict[str, list[int]] = {}
    courts_defined: set[str] = set()
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            out.append(b"")
            continue
        try:
            fields = orjson.loads(line)
        except orjson.JSONDecodeError:
            problems.add(number, "line", "must be one JSON object")
            out.append(b"")
            continue
        if not isinstance(fields, dict):
            problems.add(number, "line", "must be one JSON object")
            out.append(b"")
            continue
        kind = fields.get("type")
        record: dict[str, Any] | None
        if kind == "court":
            record = _court(number, fields, problems)
            if record is not None:
                courts_defined.add(record["code"])
        elif kind == "case":
            record = _case(number, fields, problems)
            if record is not None:
                courts_used.setdefault(record["unit"], []).append(number)
        elif kind in _PASS_THROUGH:
            record = fields
        else:
            problems.add(number, "type", "must be court, case, enterprise or person")
            record = None
        out.append(orjson.dumps(record) if record is not None else b"")
    return out, courts_used, courts_defined, problems


def _court(number: int, fields: dict[str, Any], problems: Problems) -> dict[str, Any] | None:
    _unknown(number, fields, _COURT_FIELDS, problems)
    code, name = fields.get("code"), fields.get("name")
    if not isinstance(code, str) or not code:
        problems.add(number, "code", "the court's unit code is required")
        return None
    if not isinstance(name, str) or not name.strip():
        problems.add(number, "name", "the court's name is required")
        return None
    return {"type": "unit", "code": code, "name": name, "kind": "COURT"}


def _case(number: int, fields: dict[str, Any], problems: Problems) -> dict[str, Any] | None:
    before = len(problems)
    _unknown(number, fields, _CASE_FIELDS, problems)
    case_number = _text(number, fields, "case_number", problems)
    court = _text(number, fields, "court", problems)
    document = _text(number, fields, "basis_document", problems)
    obligations = _text(number, fields, "obligations", problems)
    performance = fields.get("performance")
    if performance not in PERFORMANCE:
        problems.add(number, "performance", f"must be one of {', '.join(PERFORMANCE)}")
    listed_on = _day(number, fields, "listed_on", problems, required=True)
    performed_on = _day(number, fields, "performed_on", problems, required=False)
    if performance == "PERFORMED" and performed_on is None and "performed_on" not in fields:
        problems.add(number, "performed_on", "required when performance is PERFORMED")
    if performance != "PERFORMED" and "performed_on" in fields:
        problems.add(number, "performed_on", "only for a case whose performance is PERFORMED")
    if performed_on and listed_on and performed_on < listed_on:
        problems.add(number, "performed_on", "must not be before listed_on")
    if "subject" not in fields:
        problems.add(number, "subject", "the judgment debtor (uscc or id_number) is required")
    if len(problems) > before or case_number is None or court is None or listed_on is None:
        return None
    entry: dict[str, Any] = {
        "type": "entry",
        "id": entry_id(court, case_number),
        "list": "BLACK",
        "subject": fields["subject"],  # checked by the import (GB 32100 / GB 11643, exists)
        "unit": court,
        "domain": DOMAIN,
        "basis": BASIS_JUDICIAL_REFUSAL,
        "act_date": listed_on,
        "identified_on": listed_on,
        "status": "EXITED" if performance == "PERFORMED" else "ACTIVE",
        "repairable": True,
        "legal_basis": f"执行案号 {case_number}；执行依据 {document}；义务 {obligations}；"
        f"履行情况 {performance}",
    }
    if "valid_until" in fields:
        entry["valid_until"] = fields["valid_until"]  # checked by the import
    if performance == "PERFORMED":
        entry["exit_reason"] = "CREDIT_REPAIRED"
        entry["exited_on"] = performed_on
    return entry


def _unknown(number: int, fields: dict[str, Any], known: set[str], problems: Problems) -> None:
    for name in sorted(set(fields) - known):
        problems.add(number, name, "unknown field")


def _text(number: int, fields: dict[str, Any], name: str, problems: Problems) -> str | None:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.add(number, name, "required (text)")
        return None
    if len(value) > MAX_TEXT:
        problems.add(number, name, f"at most {MAX_TEXT} characters")
        return None
    return value.strip()


def _day(
    number: int, fields: dict[str, Any], name: str, problems: Problems, *, required: bool
) -> str | None:
    value = fields.get(name)
    if value is None:
        if required:
            problems.add(number, name, "required (YYYY-MM-DD)")
        return None
    try:
        return parse_date(value, name).isoformat()
    except BadInput as bad:
        problems.add(number, name, bad.rule)
        return None


def _check_courts_in_graph(
    settings: Settings, used: dict[str, list[int]], defined: set[str]
) -> None:
    """A case may only name a COURT unit: one defined in the feed, or one in the graph."""
    outside = sorted(set(used) - defined)
    if not outside:
        return
    with open_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            "UNWIND $codes AS code OPTIONAL MATCH (u:Unit {code: code}) "
            "RETURN code, u.kind AS kind",
            codes=outside,
            database_=settings.neo4j_database,
        )
    problems = Problems()
    for record in records:
        kind = record["kind"]
        if kind is not None and kind != "COURT":
            for line in used[record["code"]]:
                problems.add(line, "court", f"unit {record['code']} is not a court ({kind})")
    # A court found nowhere is reported by the import itself (an unknown unit).
    if problems:
        raise ImportRejected(problems.sorted())


__all__ = ["entry_id", "import_court_feed", "translate"]
