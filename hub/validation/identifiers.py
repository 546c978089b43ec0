"""Subject identifiers: checked before they reach a query (GB 32100 and GB 11643)."""

from __future__ import annotations

from functools import lru_cache

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from hub.errors import BadInput


@lru_cache(maxsize=65536)
def valid_uscc(value: str, field: str = "uscc") -> str:
    """统一社会信用代码: 18 characters with a GB 32100 check character."""
    try:
        return str(uscc.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise BadInput(field, f"not a unified social credit code (GB 32100): {exc}") from None


@lru_cache(maxsize=65536)
def valid_id_number(value: str, field: str = "idNumber") -> str:
    """居民身份证号码: 18 characters with a GB 11643 check character."""
    try:
        return str(ric.validate(value))
    except stdnum_errors.ValidationError as exc:
        raise BadInput(field, f"not a resident identity number (GB 11643): {exc}") from None
    except KeyError:
        # python-stdnum 2.2 raises KeyError for some unknown area codes (e.g. 110001...).
        raise BadInput(
            field, "not a resident identity number (GB 11643): unknown area code"
        ) from None
