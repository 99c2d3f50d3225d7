"""The identity check of a natural person who registers under their real name (实名注册).

:func:`lastmile.core.identifiers.validate_resident_id` is the kernel: the check character (GB
11643-1999, ISO 7064 MOD 11-2) and a real birth date. Registration asks more of the number than
the kernel does for a number a bank typed into a spreadsheet:

- the second-generation 18-character form only: first-generation 15-digit cards ceased to be
  valid on 2013-01-01 (the 2011 amendment of the 居民身份证法; article UNVERIFIED, docs/law.md),
  so nobody can hold one today;
- a birth date not after today (the applicant is alive and born);
- an address code whose first two digits are a province-level division of GB/T 2260 (11 北京 …
  65 新疆, 71 台湾, 81 香港, 82 澳门).
"""

from __future__ import annotations

from datetime import date

from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import ResidentId, validate_resident_id

#: First two digits of the address code (GB/T 2260 province-level divisions).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip


def resident_id_verify(number: str, *, today: date) -> ResidentId:
    """The resident ID of a person registering under their real name, or
    :class:`InvalidIdentifier` with a Chinese message saying what is wrong.

    Checks the 18-character form, the check character and birth date (the kernel, GB
    11643-1999), a birth date not after ``today`` and a province-level address code (GB/T
    2260)."""
    raw = (number or "").strip()
    if len(raw) == 15:
        raise InvalidIdentifier("请填写18位第二代居民身份证号码（第一代身份证已停止使用）。")
    rid = validate_resident_id(raw, today=today)
    if rid.region_code[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(
            f"身份证号码地址码无效：{rid.region_code}", details={"region_code": rid.region_code}
        )
    return rid
