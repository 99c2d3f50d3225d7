"""factory_boy factories shared by the test suites of all apps."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from lastmile.accounts.models import Court, CourtLevel, Role, User
from lastmile.core.identifiers import resident_id_check_char, uscc_check_char
from lastmile.parties.models import IdType, Party, PartyKind

FIXED_NOW = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.get_fixed_timezone(480))

_person_seq = itertools.count(1)
_org_seq = itertools.count(1)


def make_resident_id(region: str = "430104", birth: str | None = None, seq: int | None = None) -> str:
    """A valid resident ID. Without ``birth``/``seq`` each call gets its own birth date in the
    1990s, so generated IDs never collide with the fixed ones tests write by hand."""
    n = next(_person_seq) if seq is None else seq
    if birth is None:
        birth = (date(1990, 1, 1) + timedelta(days=n % 3650)).strftime("%Y%m%d")
    first17 = f"{region}{birth}{(n // 3650) % 1000 if seq is None else n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def make_uscc(n: int | None = None) -> str:
    n = next(_org_seq) if n is None else n
    body = f"9143010{n:09d}"[:16] + "X"
    body = body.replace("X", "A")
    return body + uscc_check_char(body)


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"湘{9000 + n:04d}")
    name = factory.LazyAttribute(lambda o: f"测试{o.code}人民法院")
    short_name = factory.LazyAttribute(lambda o: f"测试{o.code}")
    level = CourtLevel.BASIC


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"干警{n}")
    court = factory.SubFactory(CourtFactory)
    role = Role.ENFORCEMENT_JUDGE
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()  # type: ignore[attr-defined]


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = PartyKind.PERSON
    name = factory.Sequence(lambda n: f"测试人{n}")
    id_type = IdType.RESIDENT_ID
    id_number = factory.LazyFunction(make_resident_id)
    sex = "male"
    created_at = FIXED_NOW


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = PartyKind.ORGANISATION
    name = factory.Sequence(lambda n: f"测试银行股份有限公司第{n}支行")
    id_type = IdType.USCC
    id_number = factory.LazyFunction(make_uscc)
    created_at = FIXED_NOW


AMOUNT = Decimal("100000.00")
