"""The simulated institutions' books: what an inquiry finds, and how freezes, deductions, releases
and seizures change balances. Pure Python, no network, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.inquiry import protocol
from lastmile.integrations.simulator.world import SimError, World

TODAY = date(2025, 3, 3)
ID = "430104199001010011"
ICBC = protocol.institution("icbc")
VEHICLE = protocol.institution("vehicle")
HPF = protocol.institution("hpf")


def seeded() -> World:
    return World(
        {
            "subjects": {
                ID: {
                    "name": "测试人",
                    "institutions": {
                        "icbc": [
                            {"kind": "deposit", "identifier": "6222-1", "label": "活期", "balance": "1000.5"}
                        ],
                        "vehicle": [{"kind": "vehicle", "identifier": "湘A·12345", "label": "小型轿车"}],
                    },
                }
            }
        }
    )


def order(kind: str, n: int, **kw: object) -> dict:
    return {"order_id": f"ORD-{kind}-{n:04d}", "kind": kind, "subject": {"id_number": ID}, **kw}


def test_an_inquiry_finds_exactly_the_seeded_holdings():
    world = seeded()
    assets = world.execute(ICBC, order("inquire", 1), TODAY)["assets"]
    assert assets == [
        {
            "kind": "deposit",
            "identifier": "6222-1",
            "label": "活期",
            "balance": "1000.50",
            "details": {"available": "1000.50", "frozen": "0.00"},
        }
    ]
    # A seeded subject holds nothing where the seed lists nothing.
    assert world.execute(protocol.institution("ccb"), order("inquire", 2), TODAY) == {"assets": []}


def test_the_shipped_seed_file_holds_the_demo_debtor():
    world = World.from_file()
    assets = world.execute(
        ICBC, {"order_id": "o", "kind": "inquire", "subject": {"id_number": "43010419850312031X"}}, TODAY
    )
    assert [(a["identifier"], a["balance"]) for a in assets["assets"]] == [
        ("6222021901004567891", "23650.40")
    ]


def test_unseeded_subjects_get_deterministic_holdings_per_salt():
    ids = [f"4301041990010{n:04d}1" for n in range(40)]

    def book(world: World) -> list:
        return [
            world.execute(inst, {"order_id": "o", "kind": "inquire", "subject": {"id_number": i}}, TODAY)
            for i in ids
            for inst in protocol.INSTITUTIONS
        ]

    first = book(World(salt="a"))
    assert first == book(World(salt="a"))  # the same answers every run
    assert first != book(World(salt="b"))
    assert any(r["assets"] for r in first) and any(not r["assets"] for r in first)


def test_a_freeze_holds_at_most_what_is_available_and_a_second_gets_the_rest():
    world = seeded()
    first = world.execute(ICBC, order("freeze", 1, account="6222-1", amount="600"), TODAY)
    assert first == {"freeze_ref": "FORD-freeze-0001", "frozen_amount": "600"}
    second = world.execute(ICBC, order("freeze", 2, account="6222-1", amount="600"), TODAY)
    assert second["frozen_amount"] == "400.50"
    third = world.execute(ICBC, order("freeze", 3, account="6222-1", amount="1"), TODAY)
    assert Decimal(third["frozen_amount"]) == 0
    # Nothing was held under the third reference, so nothing can be released or deducted with it.
    with pytest.raises(SimError) as unknown:
        world.execute(ICBC, order("unfreeze", 4, freeze_ref=third["freeze_ref"]), TODAY)
    assert unknown.value.code == "unknown_freeze"
    (row,) = world.snapshot(ID)[ID][:1]
    assert row == {
        "institution": "icbc",
        "identifier": "6222-1",
        "balance": "1000.50",
        "frozen": "1000.50",
        "deducted": "0.00",
        "seized": 0,
    }


def test_deduction_takes_only_what_is_frozen_and_release_frees_the_rest():
    world = seeded()
    ref = world.execute(ICBC, order("freeze", 1, account="6222-1", amount="500"), TODAY)["freeze_ref"]
    assert world.execute(ICBC, order("deduct", 2, freeze_ref=ref, amount="200"), TODAY) == {
        "deducted_amount": "200"
    }
    # A partial release; a deduction larger than what is still held takes only that.
    assert world.execute(ICBC, order("unfreeze", 3, freeze_ref=ref, amount="100"), TODAY) == {
        "released_amount": "100"
    }
    assert world.execute(ICBC, order("deduct", 4, freeze_ref=ref, amount="999"), TODAY) == {
        "deducted_amount": "200"
    }
    row = world.snapshot(ID)[ID][0]
    assert (row["balance"], row["frozen"], row["deducted"]) == ("600.50", "0.00", "400.00")
    assert world.execute(ICBC, order("inquire", 5), TODAY)["assets"][0]["details"]["available"] == "600.50"


def test_property_without_a_balance_is_seized_and_released():
    world = seeded()
    seized = world.execute(VEHICLE, order("seize", 1, account="湘A·12345"), TODAY)
    assert seized["frozen_amount"] == "0"
    asset = world.execute(VEHICLE, order("inquire", 2), TODAY)["assets"][0]
    assert asset["details"]["seized"] is True
    assert [r["seized"] for r in world.snapshot(ID)[ID] if r["institution"] == "vehicle"] == [1]
    assert world.execute(VEHICLE, order("unfreeze", 3, freeze_ref=seized["freeze_ref"]), TODAY) == {
        "released_amount": "0"
    }
    assert "seized" not in world.execute(VEHICLE, order("inquire", 4), TODAY)["assets"][0]["details"]


@pytest.mark.parametrize(
    ("inst", "the_order", "code"),
    [
        (
            HPF,
            order("freeze", 1, account="x", amount="1"),
            "unsupported",
        ),  # the fund centre only answers inquiries
        (ICBC, {"order_id": "o", "kind": "inquire", "subject": {}}, "bad_request"),
        (ICBC, order("freeze", 1, account="no-such-account", amount="1"), "unknown_account"),
        (ICBC, order("deduct", 1, freeze_ref="F-unknown", amount="1"), "unknown_freeze"),
    ],
)
def test_refusals_carry_a_code(inst, the_order, code):
    with pytest.raises(SimError) as refused:
        seeded().execute(inst, the_order, TODAY)
    assert refused.value.code == code and refused.value.message


def test_a_freeze_reference_belongs_to_its_institution():
    world = seeded()
    ref = world.execute(ICBC, order("freeze", 1, account="6222-1", amount="10"), TODAY)["freeze_ref"]
    with pytest.raises(SimError) as refused:
        world.execute(protocol.institution("ccb"), order("unfreeze", 2, freeze_ref=ref), TODAY)
    assert refused.value.code == "unknown_freeze"


def test_new_seed_data_replaces_what_was_known_about_a_subject():
    world = seeded()
    world.execute(ICBC, order("freeze", 1, account="6222-1", amount="10"), TODAY)
    world.add_subjects(
        {
            ID: {
                "name": "测试人",
                "institutions": {"icbc": [{"kind": "deposit", "identifier": "6222-2", "balance": 5}]},
            }
        }
    )
    assert [a["identifier"] for a in world.execute(ICBC, order("inquire", 2), TODAY)["assets"]] == ["6222-2"]
    assert world.snapshot(ID)[ID][0]["frozen"] == "0.00"
    assert world.snapshot("430104199901010000") == {}
