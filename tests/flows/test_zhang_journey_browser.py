"""Issue N, first "must show", in a real headless Chromium: the 张某 journey through the pages, each
act a click by the role whose work it is. The filed case, its served 执行通知, the wage withholding
and the seized home are set up through the services (they are other journeys); then

- the officer lifts the wage withholding and fixes the reference price by 定向询价 (property tab);
- the officer drafts the 腾房公告 naming the flat the bank rented, the 院长 signs it, the officer
  records the family's voluntary vacating (measures tab);
- the officer offers the home for auction and announces it (the auction pages);
- three members of the public sign up on the auction's page (real name, identity, the deposit
  paid from a card, simulated), after the page showed the home's present state (vacated);
- they compete on the public auction page in the last minutes: each bid moves the end by
  five minutes and the other bidders' open pages show the new end without reload;
- the officer confirms the sale (成交裁定); finance books the price and allocates it, the bank
  first; finance records the payees' accounts, the 院长 approves, finance pays out (case file);
- the officer hands the empty home over and closes the case 执行完毕.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import Role
from lastmile.auction.models import Bidder, DepositStatus, Lot, LotStatus, Round, RoundStatus
from lastmile.cases.models import CaseStatus
from lastmile.core.clock import FixedClock, use_clock
from lastmile.enforcement.models import ClosingMethod
from lastmile.inquiry.models import Asset, Freeze, IncomeWithholding, Order
from lastmile.inquiry.services import asset_seize, inbox_receive, inquiry_start
from lastmile.inquiry.services.income import income_withhold_start
from lastmile.ledger.models import Payout, PayoutStatus
from lastmile.measures.models import VacateNotice, VacateStatus
from lastmile.measures.services import home_designation_record
from lastmile.testing.enforcement import at, basis
from lastmile.testing.factories import PersonFactory, UserFactory, make_resident_id
from lastmile.valuation.models import Valuation, ValuationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = Decimal
HOME_REF = "湘（2019）长沙市不动产权第0067890号"
ADDRESS = "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室"
FLAT = "长沙市岳麓区望城坡街道某小区3栋502室（申请执行人租赁）"
T0 = at(2025, 3, 3)
BIDDER_PASSWORD = "zhang-bid-2025"
CARD = "6222020200012345670"  # passes ISO/IEC 7812 (Luhn): the simulated deposit payment


def _land(order: Order, now, result: dict[str, Any]) -> None:
    inbox_receive(
        institution=order.institution,
        message={
            "message_id": f"{order.key}:done",
            "order_id": order.key,
            "status": "done",
            "result": result,
        },
        now=now,
    )


def _login(browser, live_server, username: str, *, mobile: bool = False):
    size = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
    page = browser.new_page(viewport=size, locale="zh-CN")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button").first.click()


def _case_tab(page, live_server, case_id: int, tab: str) -> None:
    page.goto(live_server.url + f"/cases/{case_id}/")
    page.click(f"a[data-tab={tab}]")


def _shown(dt) -> str:
    return f"{timezone.localtime(dt):%Y-%m-%d %H:%M:%S}"


@pytest.fixture
def zhang_case(file_case, serve_notices, officer, yuelu):
    zhang = PersonFactory(name="张某", id_number=make_resident_id(seq=7))
    with transaction.atomic():
        case = file_case(T0, respondents=[zhang], basis=basis("600000"))
        serve_notices(case, T0)
        income_withhold_start(
            case=case,
            party=zhang,
            employer="长沙某物流有限公司",
            monthly_income=D("8000"),
            dependants=4,
            actor=officer,
            now=T0,
        )
        found = {
            "kind": "real_estate",
            "identifier": HOME_REF,
            "label": ADDRESS,
            "details": {"market_value": "1000000"},
        }
        for order in inquiry_start(case=case, actor=officer, now=T0):
            _land(order, T0, {"assets": [found] if order.institution == "realestate" else []})
        home = Asset.objects.get(case=case, identifier=HOME_REF)
        home_designation_record(
            actor=officer,
            case=case,
            party=zhang,
            property_ref=HOME_REF,
            address=ADDRESS,
            necessary_home=True,
            notice_served_on=date(2025, 3, 3),
            now=T0,
        )
        _land(asset_seize(asset=home, actor=officer, now=T0), T0, {"freeze_ref": "R-ZH"})
    return {
        "case": case,
        "zhang": zhang,
        "seizure": Freeze.objects.get(case=case, asset=home),
        "finance": UserFactory(court=yuelu, role=Role.FINANCE, username="zh_finance"),
    }


def test_zhang_journey_through_the_pages(browser, live_server, zhang_case, officer, president, bank):
    case, zhang, seizure = zhang_case["case"], zhang_case["zhang"], zhang_case["seizure"]
    clock = FixedClock(at(2025, 3, 5))
    with use_clock(clock):
        judge = _login(browser, live_server, officer.username)

        # --- wages: the withholding lifted to keep the family fed (property tab) -----------------
        withholding = IncomeWithholding.objects.get(case=case)
        _case_tab(judge, live_server, case.pk, "property")
        release = judge.locator(f"form[action='/takings/income/{withholding.pk}/release']")
        release.locator("input[name=reason]").fill(
            "工资系赡养父母、抚养子女的唯一生活来源，解除扣留以保障家庭基本生活"
        )
        _submit(judge, release)
        assert IncomeWithholding.objects.get(pk=withholding.pk).status == "released"

        # --- 定向询价 (property tab) ---------------------------------------------------------------
        clock.set(at(2025, 3, 6))
        _case_tab(judge, live_server, case.pk, "property")
        start = judge.locator("#valuation-panel form.stack").first
        start.locator("select[name=method]").select_option("directed")
        _submit(judge, start)
        valuation = Valuation.objects.get(case=case)
        clock.set(at(2025, 3, 7))
        _case_tab(judge, live_server, case.pk, "property")
        _submit(judge, judge.locator(f"form[action='/valuation/{valuation.pk}/collect']"))
        valuation.refresh_from_db()
        assert valuation.status == ValuationStatus.FINAL

        # --- 腾房公告: the officer drafts it (measures tab) ---------------------------------------
        clock.set(at(2025, 3, 10))
        _case_tab(judge, live_server, case.pk, "measures")
        judge.click("#vacating > summary")
        draft = judge.locator("#vacate-draft")
        draft.locator("input[name=property_ref]").fill(HOME_REF)
        draft.locator("input[name=address]").fill(ADDRESS)
        draft.locator("input[name=occupants]").fill("被执行人张某、李某夫妇及其父母、子女")
        draft.locator("input[name=applicant_housing]").fill(FLAT)
        _submit(judge, draft)
        notice = VacateNotice.objects.get(case=case)
        assert notice.status == VacateStatus.DRAFTED and notice.days == 15  # the form's default
        assert judge.locator("[data-act=vacate-sign]").count() == 0  # only the 院长 signs

        # --- the 院长 signs it -----------------------------------------------------------------------
        clock.set(at(2025, 3, 11))
        head = _login(browser, live_server, president.username)
        _case_tab(head, live_server, case.pk, "measures")
        with head.expect_navigation():
            head.click("[data-act=vacate-sign]")
        notice.refresh_from_db()
        assert notice.status == VacateStatus.ISSUED and notice.ends_on == date(2025, 6, 3)
        assert (
            head.locator(f"#vacating [data-vacate='{notice.pk}'] .vacate-ends").inner_text() == "2025-06-03"
        )
        head.close()

        # --- forced vacating refused while the period runs; the family leaves of its own accord ----
        clock.set(at(2025, 4, 5, 16))
        _case_tab(judge, live_server, case.pk, "measures")
        with judge.expect_navigation():
            judge.click("[data-act=vacate-force]")
        assert "第261条" in judge.content()
        assert VacateNotice.objects.get(pk=notice.pk).status == VacateStatus.ISSUED
        _case_tab(judge, live_server, case.pk, "measures")
        done = judge.locator(f"#vacating [data-vacate='{notice.pk}'] form:has(input[value=vacated])")
        done.locator("input[name=vacated_on]").fill("2025-04-05")
        done.locator("input[name=moved_to]").fill(FLAT)
        done.locator("input[name=applicant_housing]").check()
        _submit(judge, done)
        assert VacateNotice.objects.get(pk=notice.pk).status == VacateStatus.VACATED
        assert "自行腾退" in judge.locator(f"#vacating [data-vacate='{notice.pk}']").inner_text()

        # --- the auction: offered and announced by the officer -----------------------------------
        clock.set(at(2025, 4, 7))
        judge.goto(live_server.url + "/auction/staff/")
        new = judge.locator("form:has(select[name=seizure_id])")
        new.locator("select[name=seizure_id]").select_option(str(seizure.pk))
        new.locator("input[name=reference_price]").fill(str(valuation.price))
        new.locator("input[name=reference_source]").fill(f"定向询价（{valuation.priced_on:%Y-%m-%d}）")
        new.locator("input[name=reference_on]").fill(valuation.priced_on.isoformat())
        _submit(judge, new)
        lot = Lot.objects.get(case=case)
        starting = (valuation.price * D("0.7")).quantize(D("1"))
        schedule = judge.locator(f"form[action='/auction/staff/lots/{lot.pk}/schedule']")
        schedule.locator("input[name=starting_price]").fill(str(starting))
        schedule.locator("input[name=deposit]").fill(str(starting / 10))
        schedule.locator("input[name=increment]").fill("5000")
        schedule.locator("input[name=starts_at]").fill("2025-05-20T10:00")
        schedule.locator("input[name=ends_at]").fill("2025-05-21T10:00")
        schedule.locator("input[name=panel]").fill("张审判长、李审判员、王审判员")
        _submit(judge, schedule)
        rnd = Round.objects.get(lot=lot)

    # --- the public page states the home's present state; three bidders sign up there --------------
    # (网络司法拍卖规定 2016 art. 13 item (5): 占有使用现状, read from the 腾房公告; arts. 17, 18: a
    # real name, an identity and the deposit, paid from a card on the sign-up page, simulated)
    signed_up = {}
    with use_clock(FixedClock(at(2025, 5, 1))):
        for i in range(3):
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
            page.goto(live_server.url + f"/auction/{rnd.pk}/")
            if i == 0:
                assert page.locator("#occupancy").inner_text() == "已腾空（2025年4月5日自行搬离）"
                assert HOME_REF in page.locator("#ownership").inner_text()
            with page.expect_navigation():
                page.click("#signup-link")
            form = page.locator("#signup-form")
            form.locator("input[name=username]").fill(f"zh_bidder{i}")
            form.locator("input[name=password]").fill(BIDDER_PASSWORD)
            form.locator("input[name=real_name]").fill(f"竞买人{i}")
            form.locator("input[name=id_number]").fill(make_resident_id(seq=300 + i))
            form.locator("input[name=deposit_card]").fill(CARD)
            with page.expect_navigation():
                page.click("#signup-button")
            page.wait_for_selector("#my-code")  # signed up, logged in, back on the auction
            signed_up[f"zh_bidder{i}"] = page
    bidders = {b.user.username: b for b in Bidder.objects.filter(round=rnd).select_related("user")}
    assert sorted(bidders) == sorted(signed_up)
    assert all(
        b.deposit_status == DepositStatus.FROZEN and b.deposit == rnd.deposit for b in bidders.values()
    )
    a, b, c = (bidders[f"zh_bidder{i}"].user for i in range(3))
    end = rnd.ends_at
    clock = FixedClock(end - timedelta(minutes=3))
    with use_clock(clock):
        for page in signed_up.values():
            page.reload()
            page.wait_for_selector("#bid-button")
        pa, pb, pc = (signed_up[user.username] for user in (a, b, c))
        assert pa.locator("#ends-at").inner_text() == _shown(end)
        expected = end
        for who, when in (
            (pa, end - timedelta(minutes=3)),
            (pb, end + timedelta(minutes=1)),
            (pc, end + timedelta(minutes=4)),
        ):
            clock.set(when)
            who.reload()
            with who.expect_navigation():
                who.click("#bid-button")  # the field holds the current price plus the increment
            expected = when + timedelta(minutes=5)
            assert who.locator("#ends-at").inner_text() == _shown(expected)
            for other in (pa, pb, pc):
                if other is not who:  # the others' open pages learn of it without reload
                    other.wait_for_function(
                        f"document.getElementById('ends-at').textContent === '{_shown(expected)}'",
                        timeout=10_000,
                    )
        history = pa.locator("#history").inner_text()
        assert history.count("延时至") == 3 and not any(f"竞买人{i}" in history for i in range(3))
        for page in (pa, pb, pc):
            page.close()
    rnd.refresh_from_db()
    assert rnd.extensions == 3 and rnd.ends_at == expected

    # --- 成交裁定, the price, the allocation and the payouts --------------------------------------
    finance = zhang_case["finance"]
    clock = FixedClock(expected + timedelta(minutes=1))
    with use_clock(clock):
        judge = _login(browser, live_server, officer.username)
        judge.goto(live_server.url + f"/auction/staff/lots/{lot.pk}/")
        _submit(judge, judge.locator(f"form[action='/auction/staff/lots/{lot.pk}/sweep']"))
        assert Round.objects.get(pk=rnd.pk).status == RoundStatus.SOLD
        clock.set(at(2025, 5, 22))
        _submit(judge, judge.locator(f"form[action='/auction/staff/lots/{lot.pk}/confirm']"))
        lot.refresh_from_db()
        assert lot.confirmation is not None and lot.status == LotStatus.SOLD

        clock.set(at(2025, 5, 28))
        money = _login(browser, live_server, finance.username)
        money.goto(live_server.url + f"/auction/staff/lots/{lot.pk}/")
        pay = money.locator(f"form[action='/auction/staff/lots/{lot.pk}/pay']")
        pay.locator("input[name=reference]").fill("ZH-20250528-01")
        _submit(money, pay)
        clock.set(at(2025, 5, 29))
        allocate = money.locator(f"form[action='/auction/staff/lots/{lot.pk}/allocate']")
        allocate.locator(f"input[name=secured_{bank.pk}]").check()
        allocate.locator("input[name=panel]").fill("张审判长、李审判员、王审判员")
        _submit(money, allocate)
        payouts = list(Payout.objects.filter(case=case).exclude(payee_party=None))
        assert any(p.payee_party_id == bank.pk for p in payouts)
        accounts = {
            bank.pk: ("800012345678901", "长沙银行岳麓支行", bank.name),
            zhang.pk: ("6217002870012345672", "中国建设银行长沙岳麓支行", zhang.name),
        }
        for p in payouts:
            _case_tab(money, live_server, case.pk, "money")
            form = money.locator(f"form[action='/funds/payouts/{p.pk}/account']")
            number, bank_name, name = accounts[p.payee_party_id]
            form.locator("input[name=payee_account]").fill(number)
            form.locator("input[name=payee_bank]").fill(bank_name)
            form.locator("input[name=payee_account_name]").fill(name)
            _submit(money, form)

        clock.set(at(2025, 5, 30))
        head = _login(browser, live_server, president.username)
        for p in payouts:
            _case_tab(head, live_server, case.pk, "money")
            _submit(head, head.locator(f"form[action='/funds/payouts/{p.pk}/approve']"))
        head.close()
        for p in payouts:
            _case_tab(money, live_server, case.pk, "money")
            settle = money.locator(f"form[action='/funds/payouts/{p.pk}/settle']")
            settle.locator("input[name=bank_reference]").fill(f"PAY-{p.pk}")
            _submit(money, settle)
        money.close()
        to_bank = Payout.objects.filter(case=case, payee_party=bank)
        assert to_bank.exists() and all(p.status == PayoutStatus.PAID for p in to_bank)
        assert all(p.payee_account == "800012345678901" for p in to_bank)

        # --- the empty home handed over; the case closed 执行完毕 ---------------------------------
        clock.set(at(2025, 6, 3))
        judge.goto(live_server.url + f"/auction/staff/lots/{lot.pk}/")
        handover = judge.locator(f"form[action='/auction/staff/lots/{lot.pk}/handover']")
        handover.locator("input[name=on]").fill("2025-06-03")
        _submit(judge, handover)
        assert Lot.objects.get(pk=lot.pk).handed_over_on == date(2025, 6, 3)
        clock.set(at(2025, 6, 4))
        _case_tab(judge, live_server, case.pk, "overview")
        judge.click("summary:has-text('结案：执行完毕')")
        _submit(judge, judge.locator(f"form[action='/enforcement/{case.pk}/do/close_completed/']"))
        judge.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closing_method == ClosingMethod.COMPLETED
