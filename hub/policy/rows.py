"""The rows of a policy CSV file (``policies/*.csv``): comments and blank lines skipped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable


def csv_rows(text: str) -> Iterable[list[str]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for row in csv.reader(io.StringIO("\n".join(lines)), skipinitialspace=True):
        yield [cell.strip() for cell in row]
