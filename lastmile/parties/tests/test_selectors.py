"""What a viewer without the right to a party's identity sees: masked names, IDs and phones for
persons (失信规定 2017 art. 6, as the national list publishes it; see docs/law.md), organisations
in full (their credit code is public)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastmile.core.identifiers import resident_id_check_char
from lastmile.parties.models import IdType, Party, PartyKind
from lastmile.parties.selectors import party_masked_id, party_public_view
from lastmile.testing.factories import FIXED_NOW, make_uscc

ID = "43010419850312031" + resident_id_check_char("43010419850312031")


def _party(**kw) -> Party:
    values = {"kind": PartyKind.PERSON, "name": "王小明", "id_type": IdType.RESIDENT_ID, "id_number": ID}
    values.update(kw)
    return Party(created_at=FIXED_NOW - timedelta(days=1), **values)


def test_a_resident_id_hides_month_and_day_of_birth():
    masked = party_masked_id(_party())
    assert masked == "4301041985****031" + ID[-1]
    assert "0312" not in masked and len(masked) == 18


def test_a_credit_code_is_shown_in_full():
    code = make_uscc(99)
    assert party_masked_id(_party(kind=PartyKind.ORGANISATION, id_type=IdType.USCC, id_number=code)) == code


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("E12345678", "E1*****78"),
        ("G1234", "G***4"),  # short: one character at each end
        ("ABC", "***"),  # too short to show any of it
        ("A1B2", "****"),
        ("", ""),
    ],
)
def test_other_documents_show_at_most_their_ends(number, masked):
    """Never more than a third of a short number, never a character twice."""
    assert party_masked_id(_party(id_type=IdType.PASSPORT, id_number=number)) == masked


def test_a_person_is_shown_masked_and_an_organisation_in_full():
    person = _party(name="欧阳娜娜", phone="+86 138-0000-1111")
    assert party_public_view(person) == {
        "name": "欧***",
        "id_number": "4301041985****031" + ID[-1],
        "phone": "138****1111",
    }
    assert party_public_view(_party(phone=""))["phone"] == ""
    code = make_uscc(98)
    org = _party(
        kind=PartyKind.ORGANISATION,
        name="长沙某某贸易有限公司",
        id_type=IdType.USCC,
        id_number=code,
        phone="0731-88886666",
    )
    # An organisation's name and code are public; its phone is not shown to the public.
    assert party_public_view(org) == {"name": "长沙某某贸易有限公司", "id_number": code, "phone": ""}
