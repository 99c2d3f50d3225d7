"""Parties: identities are validated and normalised before anything is stored, one identity is one
row, and the bulk writes give the same rows as the one-at-a-time ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction

from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import resident_id_check_char
from lastmile.parties.models import ElectronicAddress, IdType, Party, PartyKind, Sex
from lastmile.parties.services import (
    e_address_record,
    e_addresses_record_many,
    parties_upsert_many,
    party_upsert,
)
from lastmile.testing.factories import FIXED_NOW, make_uscc

pytestmark = pytest.mark.django_db

NOW = FIXED_NOW
LATER = FIXED_NOW + timedelta(days=3)


def rid(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


# A man born 12 March 1985 (sequence 031, odd) and a woman born 18 July 1990 (042, even).
MAN = rid("43010419850312031")
WOMAN = rid("43068219900718042")


def person(id_number: str = MAN, name: str = "王小明", now=NOW, **kw) -> Party:
    return party_upsert(
        kind=PartyKind.PERSON, name=name, id_type=IdType.RESIDENT_ID, id_number=id_number, now=now, **kw
    )


# --- party_upsert ------------------------------------------------------------------------------


def test_a_resident_id_gives_sex_and_birth_date():
    man = person(MAN)
    woman = person(WOMAN, name="李玥")
    assert (man.sex, man.birth_date) == (Sex.MALE, date(1985, 3, 12))
    assert (woman.sex, woman.birth_date) == (Sex.FEMALE, date(1990, 7, 18))
    assert man.created_at == NOW and man.is_person


def test_an_id_with_a_wrong_check_character_is_refused_and_nothing_is_written():
    wrong = MAN[:17] + ("0" if MAN[17] != "0" else "1")
    with pytest.raises(InvalidIdentifier) as refused:
        person(wrong)
    assert "校验位" in refused.value.message
    assert not Party.objects.exists()


@pytest.mark.parametrize("bad", ["", "4301041985031203", "43010419851332031X", "01010419850312031X"])
def test_malformed_resident_ids_are_refused(bad):
    with pytest.raises(InvalidIdentifier):
        person(bad)
    assert not Party.objects.exists()


def test_what_people_type_is_normalised_to_one_identity():
    # A number whose check character is X, typed with a lowercase x, or in full-width characters.
    first17 = next(
        f"430524198001010{n:02d}"
        for n in range(100)
        if resident_id_check_char(f"430524198001010{n:02d}") == "X"
    )
    typed = f"  {first17}x "
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in first17) + "Ｘ"
    a = person(typed, name="  赵六 ")
    b = person(full_width, name="赵六")
    assert a.pk == b.pk and a.id_number == first17 + "X"
    assert a.name == "赵六"
    assert Party.objects.count() == 1


def test_a_legacy_15_digit_id_is_stored_as_its_18_character_form():
    legacy = "430104850312031"  # GB 11643-1989: YYMMDD, always 19xx, no check character
    upgraded = person(legacy)
    assert upgraded.id_number == MAN
    assert person(MAN).pk == upgraded.pk


def test_the_same_identity_is_one_row_and_contacts_are_refreshed_not_erased():
    first = person(phone="13800001111", address="长沙市岳麓区麓山南路1号")
    again = person(name="王小明（曾用名王明）", now=LATER, phone="", address="长沙市岳麓区桐梓坡路88号")
    assert again.pk == first.pk and Party.objects.count() == 1
    again.refresh_from_db()
    assert again.name == "王小明（曾用名王明）"
    assert again.phone == "13800001111"  # an empty contact does not erase the stored one
    assert again.address == "长沙市岳麓区桐梓坡路88号"
    assert again.created_at == NOW  # the first sighting stays


def test_a_blank_name_is_refused():
    with pytest.raises(InvalidIdentifier):
        person(name="   ")
    assert not Party.objects.exists()


def test_an_organisation_needs_a_valid_credit_code_and_links_its_people():
    boss = person()
    code = make_uscc(4242)
    org = party_upsert(
        kind=PartyKind.ORGANISATION,
        name="长沙某某贸易有限公司",
        id_type=IdType.USCC,
        id_number=code.lower(),
        now=NOW,
        legal_representative=boss,
        actual_controller=boss,
    )
    org.refresh_from_db()
    assert org.id_number == code and not org.is_person
    assert org.sex == "" and org.birth_date is None
    assert org.legal_representative == boss and org.actual_controller == boss and org.principal is None
    assert list(boss.represents.all()) == [org]
    # A later upsert without the links keeps them.
    party_upsert(
        kind=PartyKind.ORGANISATION,
        name="长沙某某贸易有限公司",
        id_type=IdType.USCC,
        id_number=code,
        now=LATER,
    )
    org.refresh_from_db()
    assert org.legal_representative == boss
    with pytest.raises(InvalidIdentifier):
        party_upsert(
            kind=PartyKind.ORGANISATION,
            name="无效代码公司",
            id_type=IdType.USCC,
            id_number=code[:17] + ("0" if code[17] != "0" else "1"),
            now=NOW,
        )
    assert Party.objects.filter(kind=PartyKind.ORGANISATION).count() == 1


def test_a_person_needs_a_personal_document():
    with pytest.raises(InvalidIdentifier):
        party_upsert(kind=PartyKind.PERSON, name="张三", id_type="driving_licence", id_number="X1", now=NOW)
    passport = party_upsert(
        kind=PartyKind.PERSON, name="John Smith", id_type=IdType.PASSPORT, id_number=" E1234567 ", now=NOW
    )
    assert passport.id_number == "E1234567" and passport.sex == "" and passport.birth_date is None


def test_parties_without_a_number_are_never_merged():
    a = party_upsert(kind=PartyKind.PERSON, name="无证件人", id_type=IdType.OTHER, id_number="", now=NOW)
    b = party_upsert(kind=PartyKind.PERSON, name="无证件人", id_type=IdType.OTHER, id_number="", now=NOW)
    assert a.pk != b.pk


# --- parties_upsert_many -------------------------------------------------------------------------


def _ident(id_number: str, name: str, **kw: str) -> dict[str, str]:
    return {
        "kind": PartyKind.PERSON,
        "id_type": IdType.RESIDENT_ID,
        "id_number": id_number,
        "name": name,
        **kw,
    }


def test_upsert_many_creates_updates_and_merges_repeats_like_one_at_a_time():
    existing = person(MAN, phone="13800001111")
    third = rid("43070219750505051")
    with transaction.atomic():
        found = parties_upsert_many(
            identities=[
                _ident(MAN, "王小明新", phone="", address="常德市武陵区1号"),
                _ident(WOMAN, "李玥", phone="13900002222"),
                # The same person twice in one upload: later non-empty values win, empty ones do not erase.
                _ident(WOMAN, "李玥", phone="", address="临湘市长安路2号"),
                _ident(third, "陈七"),
            ],
            now=LATER,
        )
    assert set(found) == {(IdType.RESIDENT_ID, n) for n in (MAN, WOMAN, third)}
    assert Party.objects.count() == 3
    assert found[(IdType.RESIDENT_ID, MAN)].pk == existing.pk
    man = Party.objects.get(pk=existing.pk)
    assert man.name == "王小明新" and man.phone == "13800001111" and man.address == "常德市武陵区1号"
    assert man.created_at == NOW
    woman = Party.objects.get(id_number=WOMAN)
    assert woman.pk == found[(IdType.RESIDENT_ID, WOMAN)].pk
    assert (woman.phone, woman.address) == ("13900002222", "临湘市长安路2号")
    assert (woman.sex, woman.birth_date, woman.created_at) == (Sex.FEMALE, date(1990, 7, 18), LATER)
    # The same facts party_upsert derives from the number.
    assert (Party.objects.get(id_number=third).sex, Party.objects.get(id_number=third).birth_date) == (
        Sex.MALE,
        date(1975, 5, 5),
    )


def test_upsert_many_leaves_unchanged_rows_alone(django_assert_num_queries):
    person(MAN, phone="13800001111")
    with transaction.atomic(), django_assert_num_queries(1):  # the locking read; no insert, no update
        found = parties_upsert_many(identities=[_ident(MAN, "王小明", phone="13800001111")], now=LATER)
    assert found[(IdType.RESIDENT_ID, MAN)].name == "王小明"


# --- electronic-service addresses ----------------------------------------------------------------


def test_an_address_records_consent_once_and_keeps_it():
    party = person()
    bare = e_address_record(party=party, channel="sms", address="13800001111", now=NOW)
    assert bare.consent_kind == "" and bare.consented_at is None and not bare.confirmed
    # Consent given later is added to the row that had none.
    given = e_address_record(
        party=party, channel="sms", address="13800001111", now=LATER, consent_kind="provided"
    )
    assert given.pk == bare.pk and given.consent_kind == "provided" and given.consented_at == LATER
    # Consent already recorded is kept.
    again = e_address_record(
        party=party,
        channel="sms",
        address="13800001111",
        now=LATER + timedelta(days=1),
        consent_kind="conduct",
    )
    again.refresh_from_db()
    assert again.consent_kind == "provided" and again.consented_at == LATER
    assert ElectronicAddress.objects.filter(party=party).count() == 1


def test_renewed_consent_replaces_kind_time_and_confirmation():
    party = person()
    e_address_record(
        party=party, channel="email", address="w@example.invalid", now=NOW, consent_kind="contract"
    )
    renewed = e_address_record(
        party=party,
        channel="email",
        address="w@example.invalid",
        now=LATER,
        consent_kind="express",
        confirmed=True,
        renew_consent=True,
    )
    renewed.refresh_from_db()
    assert (renewed.consent_kind, renewed.consented_at, renewed.confirmed) == ("express", LATER, True)
    assert ElectronicAddress.objects.filter(party=party).count() == 1
    assert str(renewed) == "电子邮箱:w@example.invalid"


def test_record_many_matches_record_one():
    a, b = person(MAN), person(WOMAN, name="李玥")
    e_address_record(party=a, channel="sms", address="13800001111", now=NOW)  # no consent yet
    e_address_record(party=b, channel="sms", address="13900002222", now=NOW, consent_kind="contract")
    e_addresses_record_many(wanted={}, now=LATER)  # nothing asked: nothing happens
    e_addresses_record_many(
        wanted={
            (a.pk, "sms", "13800001111"): "provided",  # consent added
            (b.pk, "sms", "13900002222"): "provided",  # consent kept
            (b.pk, "wechat", "wx-liyue"): "",  # new, without consent
            (a.pk, "platform", "a@court-platform"): "express",  # new, with consent
        },
        now=LATER,
    )
    rows = {
        (r.party_id, r.channel, r.address): (r.consent_kind, r.consented_at)
        for r in ElectronicAddress.objects.all()
    }
    assert rows == {
        (a.pk, "sms", "13800001111"): ("provided", LATER),
        (b.pk, "sms", "13900002222"): ("contract", NOW),
        (b.pk, "wechat", "wx-liyue"): ("", None),
        (a.pk, "platform", "a@court-platform"): ("express", LATER),
    }
