from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import (
    KNOWN_TYPE_CODES,
    PROVINCE_ABBREVIATIONS,
    CaseNumber,
    case_number_str,
    mask_name,
    mask_phone,
    mask_resident_id,
    parse_case_number,
    resident_id_check_char,
    uscc_check_char,
    validate_plate,
    validate_resident_id,
    validate_uscc,
)

# --- resident ID (GB 11643-1999) -------------------------------------------------------


def test_gb11643_example_with_check_x():
    rid = validate_resident_id("11010519491231002X")
    assert rid.number == "11010519491231002X"
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "female"
    assert rid.region_code == "110105"
    assert rid.legacy is False


def test_gb11643_example_with_check_digit():
    rid = validate_resident_id("440524188001010014")
    assert rid.birth_date == date(1880, 1, 1)
    assert rid.sex == "male"
    assert rid.region_code == "440524"


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(InvalidIdentifier, match="校验位错误，应为X") as exc:
        validate_resident_id("110105194912310021")
    assert exc.value.code == "invalid_identifier"
    assert exc.value.details["expected_check"] == "X"


def test_lowercase_x_spaces_and_full_width_are_normalised():
    assert validate_resident_id(" 11010519491231002x ").number == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert validate_resident_id(full_width).number == "11010519491231002X"


def test_legacy_15_digit_is_upgraded():
    rid = validate_resident_id("110105491231002")
    assert rid.number == "11010519491231002X"
    assert rid.legacy is True
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "female"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "应为18位（或旧版15位）"),
        ("1101051949123100", "应为18位（或旧版15位）"),
        ("1101051949123100211", "应为18位（或旧版15位）"),
        ("11010519491231A02X", "前17位应为数字"),
        ("11010519491231002Y", "最后一位应为数字或X"),
        ("11010549123100X", "全部为数字"),
        ("110105194902300021", "出生日期无效"),
        ("110105194913010021", "出生日期无效"),
        ("110105170001010021", "出生日期无效"),
        ("11010549023000X", "全部为数字"),
        ("110105490230002", "出生日期无效"),
        ("010105194912310021", "地址码无效"),
    ],
)
def test_invalid_resident_ids(value, message):
    with pytest.raises(InvalidIdentifier, match=message):
        validate_resident_id(value)


def test_birth_date_in_the_future_is_refused_only_when_today_is_given():
    number = "110105203001010010"
    number = number[:17] + resident_id_check_char(number[:17])
    assert validate_resident_id(number).birth_date == date(2030, 1, 1)
    with pytest.raises(InvalidIdentifier, match="出生日期无效"):
        validate_resident_id(number, today=date(2025, 6, 1))
    assert validate_resident_id(number, today=date(2030, 1, 1)).birth_date == date(2030, 1, 1)


def test_check_char_helper_refuses_bad_input():
    with pytest.raises(InvalidIdentifier):
        resident_id_check_char("1234")


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
regions = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
sequences = st.from_regex(r"[0-9]{3}", fullmatch=True)


@given(regions, birth_dates, sequences)
def test_resident_id_check_round_trip(region, born, seq):
    first17 = region + born.strftime("%Y%m%d") + seq
    number = first17 + resident_id_check_char(first17)
    rid = validate_resident_id(number)
    assert rid.number == number
    assert rid.birth_date == born
    assert rid.sex == ("male" if int(seq[-1]) % 2 else "female")
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(InvalidIdentifier, match="校验位错误"):
                validate_resident_id(first17 + wrong)


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_legacy_ids_upgrade_to_valid_18_char_ids(region, born, seq):
    legacy = region + born.strftime("%y%m%d") + seq
    rid = validate_resident_id(legacy)
    assert rid.legacy
    assert rid.birth_date == born
    assert validate_resident_id(rid.number).number == rid.number


# --- USCC (GB 32100-2015) --------------------------------------------------------------


def test_gb32100_example():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_uscc_wrong_check():
    with pytest.raises(InvalidIdentifier, match="校验位错误，应为3"):
        validate_uscc("91350100M000100Y4Z")


def test_uscc_check_outside_charset_reports_expected_check():
    with pytest.raises(InvalidIdentifier, match="校验位错误，应为3"):
        validate_uscc("91350100M000100Y4I")


def test_uscc_normalised():
    assert validate_uscc(" 91350100m000100y43\n") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y433", "应为18位"),
        ("91350100MO00100Y43", "无效字符“O”"),
        ("9135010IM000100Y43", "无效字符“I”"),
    ],
)
def test_uscc_invalid(value, message):
    with pytest.raises(InvalidIdentifier, match=message):
        validate_uscc(value)


USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_uscc_check_round_trip(first17):
    code = first17 + uscc_check_char(first17)
    assert validate_uscc(code) == code
    for wrong in USCC_CHARSET:
        if wrong != code[-1]:
            with pytest.raises(InvalidIdentifier):
                validate_uscc(first17 + wrong)


# --- plates (GA 36) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("京A12345", "regular"),
        ("沪BK2345", "regular"),
        ("粤BD12345", "nev_small"),
        ("粤B12345D", "nev_large"),
        ("湘AF1234", "regular"),
        ("湘AF01234", "nev_small"),
        ("湘A1234挂", "special"),
        ("粤Z1234港", "special"),
        ("京A1234警", "special"),
    ],
)
def test_valid_plates(value, kind):
    plate = validate_plate(value)
    assert plate.kind == kind
    assert plate.number == value
    assert plate.province == value[0]


def test_plate_normalisation():
    assert validate_plate(" 京a·12345 ").number == "京A12345"
    assert validate_plate("湘Ａ １２３４５").number == "湘A12345"


@pytest.mark.parametrize(
    "value",
    [
        "京A1234",
        "1234",
        "",
        "京A123456",  # 8 characters but not an NEV pattern
        "京AI2345",  # I not used
        "京A1234O",  # O not used
        "X京12345",
        "港A12345",  # 港 is not a province prefix
        "粤BZ12345",  # Z is not an energy letter
        "粤B1234A5",
        "粤B12345Z",
        "京A12345挂",
    ],
)
def test_invalid_plates(value):
    with pytest.raises(InvalidIdentifier, match="车牌号码"):
        validate_plate(value)


# --- case numbers (法〔2015〕137号, 法〔2018〕335号) ------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("(2020)湘0104执2249号", (2020, "湘0104", "", "执", 2249)),
        ("（2020）湘0104执2249号", (2020, "湘0104", "", "执", 2249)),
        ("(2021)川0104民诉前调801号", (2021, "川0104", "", "民诉前调", 801)),
        ("（2021）川0104民诉前调801号", (2021, "川0104", "", "民诉前调", 801)),
        ("(2021)川01财保17号", (2021, "川01", "", "财保", 17)),
        ("（2021）川01财保17号", (2021, "川01", "", "财保", 17)),
        ("（2025）湘0104民初33092号", (2025, "湘0104", "", "民初", 33092)),
        ("（2024）最高法知民终1号", (2024, "最高法", "知", "民终", 1)),
        ("（2023）湘执恢5号", (2023, "湘", "", "执恢", 5)),
        ("（2022）内0102诉前调确3号", (2022, "内0102", "", "诉前调确", 3)),
        (" ( 2020 ) 湘0104 执 2249 号 ", (2020, "湘0104", "", "执", 2249)),
        ("（２０２０）湘０１０４执２２４９号", (2020, "湘0104", "", "执", 2249)),
    ],
)
def test_parse_case_number(text, parts):
    cn = parse_case_number(text)
    assert (cn.year, cn.court_code, cn.special_code, cn.type_code, cn.seq) == parts


def test_case_number_canonical_form():
    assert str(parse_case_number("(2020)湘0104执2249号")) == "（2020）湘0104执2249号"
    assert case_number_str(2021, "川01", "财保", 17) == "（2021）川01财保17号"
    spc = case_number_str(2024, "最高法", "民终", 1, special_code="知")
    assert spc == "（2024）最高法知民终1号"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020湘0104执2249号", "格式无效"),
        ("(2020)湘0104执2249", "格式无效"),
        ("(20)湘0104执2249号", "格式无效"),
        ("(2020)湘010执2249号", "格式无效"),
        ("(2020)湘01044执2249号", "格式无效"),
        ("(2020)港0104执2249号", "格式无效"),
        ("(2020)湘0104执号", "格式无效"),
        ("(2010)湘0104民初字第12号", "旧格式"),
        ("(2020)湘0104执行2249号", "类型代字“执行”无法识别"),
        ("(2020)湘0104执0号", "案件编号无效"),
        ("(1900)湘0104执1号", "年度无效"),
    ],
)
def test_invalid_case_numbers(text, message):
    with pytest.raises(InvalidIdentifier, match=message):
        parse_case_number(text)


def test_unknown_type_code_allowed_on_request():
    cn = parse_case_number("（2020）湘0104司救3号", allow_unknown_type=True)
    assert (cn.special_code, cn.type_code) == ("", "司救")


def test_case_number_constructor_validates():
    with pytest.raises(InvalidIdentifier, match="法院代字无效"):
        CaseNumber(2020, "湖南", "", "执", 1)
    with pytest.raises(InvalidIdentifier, match="专门审判代字无效"):
        CaseNumber(2020, "湘0104", "知识", "执", 1)


court_codes = st.one_of(
    st.just("最高法"),
    st.builds(
        lambda p, digits: p + digits,
        st.sampled_from(PROVINCE_ABBREVIATIONS + "内军兵"),
        st.one_of(st.just(""), st.from_regex(r"[0-9]{2}|[0-9]{4}", fullmatch=True)),
    ),
)


@given(
    st.integers(min_value=1949, max_value=2100),
    court_codes,
    st.sampled_from(["", "知", "金", "海"]),
    st.sampled_from(KNOWN_TYPE_CODES),
    st.integers(min_value=1, max_value=10**8),
    st.booleans(),
)
def test_case_number_round_trip(year, court, special, type_code, seq, half_width):
    text = case_number_str(year, court, type_code, seq, special_code=special)
    assume(text)
    if half_width:
        text = text.replace("（", "(").replace("）", ")")
    cn = parse_case_number(text)
    assert (cn.year, cn.court_code, cn.special_code, cn.type_code, cn.seq) == (
        year,
        court,
        special,
        type_code,
        seq,
    )
    assert str(parse_case_number(str(cn))) == str(cn)


# --- masking ---------------------------------------------------------------------------


def test_mask_resident_id():
    assert mask_resident_id("342301196412123224") == "3423011964****3224"
    assert mask_resident_id("11010519491231002x") == "1101051949****002X"
    assert mask_resident_id("110105491231002") == "11010549****002"
    with pytest.raises(InvalidIdentifier):
        mask_resident_id("12345")


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李"), (" 王小明 ", "王**"), ("", "")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("0731-88886666", "073*****6666"),
        ("5678", "5678"),
        ("123456", "**3456"),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
