"""Validation, normalisation and masking of the identifiers a court works with.

- Resident ID numbers: GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check) and the
  legacy 15-digit numbers of GB 11643-1989.
- Unified social credit codes: GB 32100-2015.
- Motor-vehicle licence plates: GA 36 (regular, special and new-energy plates).
- Case numbers (案号): 《最高人民法院关于人民法院案件案号的若干规定》 (法〔2015〕137号), as
  amended by 法〔2018〕335号 (专门审判代字).

All validators accept what people type (surrounding spaces, full-width characters,
lowercase letters), return a normalised value and raise
:class:`~lastmile.core.errors.InvalidIdentifier` with a Chinese reason otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from lastmile.core.errors import InvalidIdentifier

__all__ = [
    "KNOWN_TYPE_CODES",
    "NEV_SERIAL_LETTERS",
    "PROVINCE_ABBREVIATIONS",
    "CaseNumber",
    "Plate",
    "PlateKind",
    "ResidentId",
    "Sex",
    "case_number_str",
    "mask_name",
    "mask_phone",
    "mask_resident_id",
    "parse_case_number",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_plate",
    "validate_resident_id",
    "validate_uscc",
]


def _normalise(s: str) -> str:
    """NFKC (full-width letters, digits and brackets to ASCII), strip, uppercase."""
    return unicodedata.normalize("NFKC", s).strip().upper()


# --------------------------------------------------------------------------------------
# Resident ID (GB 11643-1999)
# --------------------------------------------------------------------------------------

Sex = Literal["male", "female"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by (Σ a_i·W_i) mod 11
_MIN_BIRTH_YEAR = 1850  # guards against typos; the oldest GB 11643 example is 1880


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid resident ID. ``number`` is always the 18-character form (uppercase X)."""

    number: str
    birth_date: date
    sex: Sex
    region_code: str
    legacy: bool  # True when the input was a 15-digit GB 11643-1989 number


def resident_id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of a resident ID.

    GB 11643-1999 (ISO 7064 MOD 11-2): S = Σ a_i·W_i with W = 7 9 10 5 8 4 2 1 6 3 7 9 10
    5 8 4 2; the check is ``"10X98765432"[S mod 11]``.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdentifier("身份证号码前17位应为数字", details={"value": first17})
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _birth_date(yyyymmdd: str, today: date | None) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise InvalidIdentifier(f"出生日期无效：{yyyymmdd}", details={"birth_date": yyyymmdd}) from None
    if born.year < _MIN_BIRTH_YEAR:
        raise InvalidIdentifier(f"出生日期无效：{yyyymmdd}", details={"birth_date": yyyymmdd})
    if today is not None and born > today:
        raise InvalidIdentifier(f"出生日期无效：{yyyymmdd} 晚于今天", details={"birth_date": yyyymmdd})
    return born


def validate_resident_id(s: str, *, today: date | None = None) -> ResidentId:
    """Validate and normalise a resident ID number.

    Accepts the 18-character GB 11643-1999 form (lowercase ``x`` allowed) and the legacy
    15-digit GB 11643-1989 form (YYMMDD, always 19xx), which is upgraded to 18 characters
    by inserting ``19`` and appending the computed check character. The birth date must be
    a real date and, when ``today`` is given, not in the future. Sex comes from the
    sequence code: odd is male, even is female.
    """
    raw = _normalise(s)
    if len(raw) == 18:
        first17, check = raw[:17], raw[17]
        if not (first17.isascii() and first17.isdigit()):
            raise InvalidIdentifier("身份证号码前17位应为数字", details={"value": raw})
        if not (check.isdigit() or check == "X"):
            raise InvalidIdentifier("身份证号码最后一位应为数字或X", details={"value": raw})
        legacy = False
    elif len(raw) == 15:
        if not (raw.isascii() and raw.isdigit()):
            raise InvalidIdentifier("旧版15位身份证号码应全部为数字", details={"value": raw})
        first17, check = raw[:6] + "19" + raw[6:], ""
        legacy = True
    else:
        raise InvalidIdentifier("身份证号码应为18位（或旧版15位）", details={"value": raw})

    region_code = first17[:6]
    if region_code[0] == "0":
        raise InvalidIdentifier(f"身份证号码地址码无效：{region_code}", details={"value": raw})
    born = _birth_date(first17[6:14], today)
    expected = resident_id_check_char(first17)
    if not legacy and check != expected:
        raise InvalidIdentifier(
            f"身份证号码校验位错误，应为{expected}",
            details={"value": raw, "expected_check": expected},
        )
    return ResidentId(
        number=first17 + expected,
        birth_date=born,
        sex="male" if int(first17[16]) % 2 else "female",
        region_code=region_code,
        legacy=legacy,
    )


# --------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)
# --------------------------------------------------------------------------------------

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # values 0..30; I O Z S V unused
_USCC_VALUES = {c: i for i, c in enumerate(_USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc_invalid_chars(code: str) -> str:
    return "".join(dict.fromkeys(c for c in code if c not in _USCC_VALUES))


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code.

    GB 32100-2015: W_i = 3^(i-1) mod 31; C18 = 31 - (Σ C_i·W_i mod 31), 31 becoming 0.
    """
    code = _normalise(first17)
    if len(code) != 17 or _uscc_invalid_chars(code):
        raise InvalidIdentifier("统一社会信用代码前17位无效", details={"value": first17})
    total = sum(_USCC_VALUES[c] * w for c, w in zip(code, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(s: str) -> str:
    """Validate a unified social credit code (GB 32100-2015) and return it normalised.

    Only the length, the character set and the check character are verified; the
    embedded GB 11714 organisation code (characters 9–17) is deliberately not checked.
    """
    code = _normalise(s)
    if len(code) != 18:
        raise InvalidIdentifier("统一社会信用代码应为18位", details={"value": code})
    if bad := _uscc_invalid_chars(code[:17]):
        raise InvalidIdentifier(
            f"统一社会信用代码含有无效字符“{bad}”（不使用I、O、Z、S、V）",
            details={"value": code},
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise InvalidIdentifier(
            f"统一社会信用代码校验位错误，应为{expected}",
            details={"value": code, "expected_check": expected},
        )
    return code


# --------------------------------------------------------------------------------------
# Licence plates (GA 36)
# --------------------------------------------------------------------------------------

PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

NEV_SERIAL_LETTERS = "DABCEFGHJK"
"""Letters allowed in the energy-type position of new-energy plates.

UNVERIFIED (docs/law.md "Case numbers and identifiers"): GA 36 as first published uses only D (battery
electric) and F (other new energy); public validators accept A–K without I since 2021
(A–E battery electric, F–K others). We accept the extended set until the official notice
is checked; narrow this constant to ``"DF"`` if it turns out to be wrong.
"""

PlateKind = Literal["regular", "special", "nev_small", "nev_large"]

_SERIAL = "A-HJ-NP-Z0-9"  # letters I and O are never used in the serial
_PLATE_RE = re.compile(
    rf"""
    (?P<province>[{PROVINCE_ABBREVIATIONS}])
    (?P<office>[A-Z])
    (?:
        (?P<regular>[{_SERIAL}]{{5}})
      | (?P<special>[{_SERIAL}]{{4}}[挂学警港澳])
      | (?P<nev_small>[{NEV_SERIAL_LETTERS}][{_SERIAL}][0-9]{{4}})
      | (?P<nev_large>[0-9]{{5}}[{NEV_SERIAL_LETTERS}])
    )
    """,
    re.VERBOSE,
)
_PLATE_KINDS: tuple[PlateKind, ...] = ("regular", "special", "nev_small", "nev_large")
_PLATE_SEPARATORS = re.compile(r"[\s·•・.\-]")


@dataclass(frozen=True, slots=True)
class Plate:
    """A valid plate number, normalised (no separators, uppercase)."""

    number: str
    kind: PlateKind
    province: str


def validate_plate(s: str) -> Plate:
    """Validate a civil motor-vehicle plate number (GA 36) and classify it.

    - ``regular``: province + office letter + 5 letters/digits (7 characters).
    - ``special``: like regular but the last character is 挂, 学, 警, 港 or 澳.
    - ``nev_small``: province + office letter + energy letter + letter/digit + 4 digits.
    - ``nev_large``: province + office letter + 5 digits + energy letter.

    Letters I and O never appear in the serial. Spaces and the middle dot often written
    after the office letter (``京A·12345``) are removed. Embassy (使) and consulate (领)
    plates are not accepted. See :data:`NEV_SERIAL_LETTERS` for the energy letters.
    """
    number = _PLATE_SEPARATORS.sub("", _normalise(s))
    m = _PLATE_RE.fullmatch(number)
    if m is None:
        raise InvalidIdentifier(f"车牌号码“{s.strip()}”格式无效", details={"value": s})
    kind = next(k for k in _PLATE_KINDS if m[k])
    return Plate(number=number, kind=kind, province=m["province"])


# --------------------------------------------------------------------------------------
# Case numbers (法〔2015〕137号, 法〔2018〕335号)
# --------------------------------------------------------------------------------------

KNOWN_TYPE_CODES: tuple[str, ...] = (
    # 《人民法院案件类型及其代字标准》 2016, as observed in use (docs/law.md)
    "民初",
    "民终",
    "民特",
    "民督",
    "民催",
    "财保",
    "执",
    "执恢",
    "执保",
    "执异",
    "执复",
    "执监",
    "执协",
    "执他",
    "民诉前调",
    "诉前调确",
    "诉前调书",
    # other common codes seen in case numbers a basic court handles
    "民再",
    "民申",
    "民辖",
    "刑初",
    "刑终",
    "行初",
    "行终",
    "行审",
)
"""Type codes (类型代字) the parser recognises. Not the full 2016 standard."""

_COURT_RE = rf"最高法|[{PROVINCE_ABBREVIATIONS}内军兵](?:[0-9]{{4}}|[0-9]{{2}})?"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CASE_RE = re.compile(
    rf"""
    [(]\s*(?P<year>[0-9]{{4}})\s*[)]\s*
    (?P<court>{_COURT_RE})\s*
    (?P<codes>[{_CJK}]{{1,5}})\s*
    (?P<seq>[0-9]+)\s*号
    """,
    re.VERBOSE,
)
_COURT_CODE_RE = re.compile(_COURT_RE)
_TYPE_CODE_RE = re.compile(rf"[{_CJK}]{{1,4}}")
_SPECIAL_CODE_RE = re.compile(rf"[{_CJK}]?")
_MIN_CASE_YEAR = 1949


@dataclass(frozen=True, slots=True)
class CaseNumber:
    """A case number (案号): ``（年度）法院代字[专门审判代字]类型代字编号号``.

    ``str()`` gives the canonical form with full-width parentheses, e.g.
    ``（2020）湘0104执2249号``. Construction checks the shape of each part; whether the type
    code is known is checked by :func:`parse_case_number`.
    """

    year: int
    court_code: str
    special_code: str
    type_code: str
    seq: int

    def __post_init__(self) -> None:
        if not _MIN_CASE_YEAR <= self.year <= 9999:
            raise InvalidIdentifier(f"案号年度无效：{self.year}", details={"year": self.year})
        if _COURT_CODE_RE.fullmatch(self.court_code) is None:
            raise InvalidIdentifier(
                f"法院代字无效：{self.court_code}", details={"court_code": self.court_code}
            )
        if _SPECIAL_CODE_RE.fullmatch(self.special_code) is None:
            raise InvalidIdentifier(
                f"专门审判代字无效：{self.special_code}",
                details={"special_code": self.special_code},
            )
        if _TYPE_CODE_RE.fullmatch(self.type_code) is None:
            raise InvalidIdentifier(f"类型代字无效：{self.type_code}", details={"type_code": self.type_code})
        if self.seq < 1:
            raise InvalidIdentifier(f"案件编号无效：{self.seq}", details={"seq": self.seq})

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.special_code}{self.type_code}{self.seq}号"


def case_number_str(year: int, court_code: str, type_code: str, seq: int, special_code: str = "") -> str:
    """The canonical case number string for the given parts (validated)."""
    return str(CaseNumber(year, court_code, special_code, type_code, seq))


def _split_codes(codes: str) -> tuple[str, str] | None:
    """Split the text between court code and serial into (special code, type code)."""
    if codes in KNOWN_TYPE_CODES:
        return "", codes
    if len(codes) >= 2 and codes[1:] in KNOWN_TYPE_CODES:
        return codes[0], codes[1:]
    return None


def parse_case_number(s: str, *, allow_unknown_type: bool = False) -> CaseNumber:
    """Parse a case number such as ``(2020)湘0104执2249号`` or ``（2021）川01财保17号``.

    Half- and full-width parentheses, full-width digits and spaces between the parts are
    accepted. The court code is ``最高法`` or a province abbreviation (or 内, 军, 兵)
    followed by 0, 2 or 4 digits (法〔2015〕137号 art. 5). A one-character 专门审判代字
    (法〔2018〕335号, e.g. 知) is recognised when the rest is that character plus a known
    type code and the whole rest is not itself a known type code.

    Type codes outside :data:`KNOWN_TYPE_CODES` are refused unless ``allow_unknown_type``
    is set, in which case the whole text is taken as the type code (no special code).
    """
    text = unicodedata.normalize("NFKC", s).strip()
    if "字第" in text:
        raise InvalidIdentifier(
            f"案号“{s.strip()}”是2016年以前的旧格式，请按现行格式填写，如（2020）湘0104执2249号",
            details={"value": s},
        )
    m = _CASE_RE.fullmatch(text)
    if m is None:
        raise InvalidIdentifier(
            f"案号“{s.strip()}”格式无效，应形如（2020）湘0104执2249号", details={"value": s}
        )
    codes = m["codes"]
    split = _split_codes(codes)
    if split is None:
        if not allow_unknown_type or len(codes) > 4:
            raise InvalidIdentifier(f"案号“{s.strip()}”中的类型代字“{codes}”无法识别", details={"value": s})
        split = ("", codes)
    special_code, type_code = split
    return CaseNumber(
        year=int(m["year"]),
        court_code=m["court"],
        special_code=special_code,
        type_code=type_code,
        seq=int(m["seq"]),
    )


# --------------------------------------------------------------------------------------
# Masking for publication
# --------------------------------------------------------------------------------------


def mask_resident_id(s: str) -> str:
    """Hide the month and day of birth in a resident ID, as published lists do.

    18 characters: characters 11–14 become ``****`` (``3423011964****3224``). 15 digits:
    characters 9–12 (MMDD). The check character is not verified, so stored numbers from
    other systems can always be displayed.
    """
    raw = _normalise(s)
    if len(raw) == 18:
        return raw[:10] + "****" + raw[14:]
    if len(raw) == 15:
        return raw[:8] + "****" + raw[12:]
    raise InvalidIdentifier("身份证号码应为18位（或旧版15位）", details={"value": raw})


def mask_name(name: str) -> str:
    """Keep the first character of a person's name and mask the rest: 张三 -> 张*,
    欧阳娜娜 -> 欧***. A one-character name is returned unchanged."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1)


def mask_phone(s: str) -> str:
    """Mask a phone number, keeping the first 3 and last 4 digits: 138****5678.

    Spaces and hyphens are dropped and a ``+86``/``86`` prefix on a mobile number is
    removed. Numbers of 7 digits or fewer keep only the last 4 digits visible.
    """
    digits = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", s))
    digits = re.sub(r"^\+?86(?=1\d{10}$)", "", digits)
    if len(digits) <= 7:
        return "*" * max(len(digits) - 4, 0) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
