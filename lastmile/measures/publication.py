"""The last line of defence for public output: find resident ID numbers that are not masked.

Every public page and API response of the dishonest list passes through
:func:`unmasked_id_numbers` before it leaves; tests scan every public response with it too.
A published ID shows digits 1–10 and 15–18 with 11–14 (birth month and day) as ``****``
(失信规定 2017 art. 6 publishes the ID number; 个人信息保护法 2021 art. 6: no more than the purpose
needs), so any run of 18 (or legacy 15) characters that reads as an ID number
with a real birth date is a leak.
"""

from __future__ import annotations

import re

_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18 = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_DATE8}\d{{3}}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_DATE6}\d{{3}}(?![0-9A-Za-z])")
# Both patterns need 15 digits in a row: text without such a run (most answers) is passed by one
# cheap search instead of two scans with look-behinds.
_RUN15 = re.compile(r"\d{15}")


def unmasked_id_numbers(text: str) -> list[str]:
    """Every unmasked resident ID number (18-character or legacy 15-digit) found in ``text``."""
    if _RUN15.search(text) is None:
        return []
    return _ID18.findall(text) + _ID15.findall(text)


class UnmaskedOutput(Exception):
    """Public output contained an unmasked ID number; it must not be sent."""
