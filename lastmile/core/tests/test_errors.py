import pytest

from lastmile.core.errors import (
    ConditionsNotMet,
    Conflict,
    DomainError,
    HolidayScheduleMissing,
    InvalidAmount,
    InvalidIdentifier,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (DomainError, "domain_error"),
        (InvalidIdentifier, "invalid_identifier"),
        (InvalidAmount, "invalid_amount"),
        (HolidayScheduleMissing, "holiday_schedule_missing"),
        (PermissionDenied, "permission_denied"),
        (NotFound, "not_found"),
        (InvalidTransition, "invalid_transition"),
        (ConditionsNotMet, "conditions_not_met"),
        (Conflict, "conflict"),
    ],
)
def test_each_error_has_its_code(cls, code):
    err = cls("出错了")
    assert isinstance(err, DomainError)
    assert cls.code == code
    assert err.code == code
    assert err.message == "出错了"
    assert str(err) == "出错了"
    assert err.details == ({"unmet": []} if cls is ConditionsNotMet else {})


def test_code_and_details_can_be_given_per_instance():
    err = NotFound("案件不存在", code="case_not_found", details={"case_id": 7})
    assert err.code == "case_not_found"
    assert NotFound.code == "not_found"
    assert err.as_dict() == {
        "code": "case_not_found",
        "message": "案件不存在",
        "details": {"case_id": 7},
    }


def test_details_are_copied():
    details = {"a": 1}
    err = Conflict("冲突", details=details)
    details["a"] = 2
    assert err.details == {"a": 1}


def test_conditions_not_met_carries_unmet_list():
    err = ConditionsNotMet("不符合终结本次执行程序的条件", unmet=["已发出执行通知", "已约谈"])
    assert err.unmet == ["已发出执行通知", "已约谈"]
    assert err.details["unmet"] == ["已发出执行通知", "已约谈"]


def test_conditions_not_met_accepts_unmet_in_details():
    err = ConditionsNotMet("条件不满足", details={"unmet": ["x"], "case": 1})
    assert err.unmet == ["x"]
    assert err.details["case"] == 1


def test_raises_as_exception():
    with pytest.raises(DomainError, match="无权"):
        raise PermissionDenied("无权操作")
