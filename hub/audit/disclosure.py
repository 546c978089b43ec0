"""What one request disclosed: the audit record's account of subjects and fields."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Disclosure:
    operations: list[str] = field(default_factory=list)
    """Root fields asked (``Query.enterprise``), in order, each once per occurrence."""
    subjects: set[str] = field(default_factory=set)
    """Subjects whose data was returned: ``Enterprise:<uscc>`` or ``Person:<opaque id>``."""
    masked: set[str] = field(default_factory=set)
    """``Type.field`` coordinates returned masked."""
    denied: set[str] = field(default_factory=set)
    """``Type.field`` coordinates or operations asked for and refused."""
    check_tally: dict[str, int] = field(default_factory=dict)
    """For the per-unit figures of R24 (``graph.unit_stats``): ``checks`` (subjects checked) and
    ``check_hits`` (answers with a measure for the caller's unit); ``feedback`` (reports given),
    ``feedback_delay_days`` (their delays summed), ``feedback_max_delay_days`` and
    ``feedback_late``. Empty when nothing was checked or reported."""
    details: dict[str, str | int | bool] = field(default_factory=dict)
    """What an admin operation changed (``unit``, ``previous_kind``, ``to_version``, ...)."""
