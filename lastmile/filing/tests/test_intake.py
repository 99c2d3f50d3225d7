"""Batch intake end to end through the services: the must-show bad-row upload, replays,
conflicts, failures at creation time, resumption and numbering."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from lastmile.cases.models import Case, CaseEvent, CaseParty, PartyRole
from lastmile.cases.selectors import audit_verify
from lastmile.core.errors import PermissionDenied
from lastmile.filing.models import BatchStatus, IntakeBatch, IntakeRow, LoanClaim, RowStatus
from lastmile.filing.samples import bad_rows, rows_to_csv, rows_to_xlsx, sample_rows
from lastmile.filing.services import (
    BatchIdConflict,
    batch_error_report,
    batch_process,
    batch_submit,
    creating,
)
from lastmile.parties.models import ElectronicAddress, Party


def _snapshot() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "claims": LoanClaim.objects.count(),
        "case_parties": CaseParty.objects.count(),
        "events": CaseEvent.objects.count(),
        "parties": Party.objects.count(),
        "e_addresses": ElectronicAddress.objects.count(),
        "batches": IntakeBatch.objects.count(),
        "rows": IntakeRow.objects.count(),
    }


def _file(kind: str, rows):
    if kind == "xlsx":
        return "借款明细.xlsx", rows_to_xlsx(rows)
    return "借款明细.csv", rows_to_csv(rows, encoding="gbk")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv-gbk"])
def test_every_kind_of_bad_row_is_reported_and_the_good_rows_are_accepted(
    kind, yuelu, clerk, institution, now, today
):
    earlier_rows = sample_rows(2, today=today, start=1)
    name, content = _file(kind, earlier_rows)
    earlier = batch_submit(
        court=yuelu,
        client=institution,
        external_id="B-1",
        now=now,
        actor=clerk,
        filename=name,
        content=content,
        process="inline",
    ).batch
    assert earlier.status == BatchStatus.ACCEPTED and earlier.created_cases == 2
    filed_contract = earlier_rows[0]["合同编号"]

    good = sample_rows(5, today=today, start=100)
    bad = bad_rows(today=today, filed_contract=filed_contract)
    mixed = [good[0], good[1], *[r for _, r in bad[:6]], good[2], *[r for _, r in bad[6:]], good[3], good[4]]
    name, content = _file(kind, mixed)
    before = _snapshot()

    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="B-2",
        now=now,
        actor=clerk,
        filename=name,
        content=content,
        process="inline",
    ).batch

    assert batch.status == BatchStatus.PARTIALLY_ACCEPTED
    assert (batch.total_rows, batch.created_cases, batch.error_rows) == (len(mixed), 5, len(bad))
    assert (batch.progress_done, batch.progress_total) == (len(mixed), len(mixed))
    # every bad row is reported, with its reason, at the row number the file shows (header = row 1)
    expected = {mixed.index(r) + 2: code for code, r in bad}
    errors = {r.row_number: r.errors for r in IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR)}
    assert set(errors) == set(expected)
    for row_number, code in expected.items():
        codes = [e["code"] for e in errors[row_number]]
        assert code in codes, (row_number, errors[row_number])
        assert all(e["message"] for e in errors[row_number])
    by_code = {code: errors[n] for n, code in expected.items()}
    assert "单元格内容疑似公式" in by_code["formula"][0]["message"]
    assert "重复立案" in by_code["duplicate_filed"][0]["message"]
    messages = " ".join(e["message"] for errs in errors.values() for e in errs)
    for text in (
        "不能为负数",
        "超过两位小数",
        "不是有效日期",
        "早于放款日期",
        "缺少必填项",
        "不是有效的手机号码",
        "校验位错误",
    ):
        assert text in messages, text
    # the good rows became cases, nothing else did
    after = _snapshot()
    assert after["cases"] - before["cases"] == 5
    assert after["claims"] - before["claims"] == 5
    assert after["events"] - before["events"] == 5
    created = IntakeRow.objects.filter(batch=batch, case__isnull=False)
    assert sorted(r.contract_no for r in created) == sorted(r["合同编号"] for r in good)
    assert not IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR, case__isnull=False).exists()
    bad_contracts = {r["合同编号"] for _, r in bad} - {filed_contract}
    assert not LoanClaim.objects.filter(contract_no__in=bad_contracts).exists()
    assert audit_verify(court=yuelu) == []

    # the downloadable report lists the bad rows with their original values and reasons
    book = load_workbook(io.BytesIO(batch_error_report(batch=batch)))
    sheet = book.active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][0] == "原行号" and lines[0][-1] == "错误原因"
    assert sorted(line[0] for line in lines[1:]) == sorted(expected)
    assert all(line[-1] for line in lines[1:])
    address_col = lines[0].index("借款人地址")
    formula_line = next(line for line in lines[1:] if line[0] == mixed.index(bad[10][1]) + 2)
    if kind == "csv-gbk":
        assert formula_line[address_col].startswith("'=HYPERLINK")
    assert not any(isinstance(v, str) and v.startswith("=") for line in lines for v in line), (
        "the report itself must not contain formulas"
    )


@pytest.mark.django_db
def test_each_created_case_has_parties_claim_event_and_consented_address(
    yuelu, clerk, institution, now, today
):
    rows = sample_rows(3, today=today, start=10)
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="P-1",
        now=now,
        actor=clerk,
        filename="a.xlsx",
        content=rows_to_xlsx(rows),
        process="inline",
    ).batch
    assert batch.status == BatchStatus.ACCEPTED
    row = IntakeRow.objects.get(batch=batch, row_number=3)  # sample 11: one guarantor
    case = row.case
    assert case.type_code == "民诉前调" and case.court == yuelu
    assert case.number == f"（{case.year}）湘0104民诉前调{case.seq}号"
    roles = {(cp.party.name, cp.role) for cp in case.case_parties.select_related("party")}
    assert (institution.party.name, PartyRole.APPLICANT_MEDIATION) in roles
    assert (rows[1]["借款人姓名"], PartyRole.RESPONDENT_MEDIATION) in roles
    assert (rows[1]["担保人1姓名"], PartyRole.RESPONDENT_MEDIATION) in roles
    claim = case.loan_claim
    assert claim.principal == rows[1]["欠款本金"] and claim.claimed_total == case.amount_claimed
    assert claim.annual_rate is not None and str(claim.annual_rate.normalize()) == "0.0435"
    assert claim.evidence == ["借款合同", "借款借据", "还款明细", "催收记录"]
    assert claim.fee_estimate > 0
    event = CaseEvent.objects.get(case=case)
    assert event.kind == "case.registered" and event.data["contract_no"] == rows[1]["合同编号"]
    assert event.legal_basis == {"law": "民事诉讼法", "version": "2023", "article": "125"}
    address = ElectronicAddress.objects.get(party__id_number=rows[1]["借款人证件号码"], channel="sms")
    assert address.consent_kind == "contract" and address.consented_at == now


@pytest.mark.django_db
def test_case_numbers_are_gapless_and_in_row_order(yuelu, clerk, institution, now, today):
    rows = sample_rows(7, today=today, start=300)
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="N-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=rows_to_csv(rows),
        process="inline",
    ).batch
    seqs = [
        r.case.seq
        for r in IntakeRow.objects.filter(batch=batch).select_related("case").order_by("row_number")
    ]
    assert seqs == list(range(seqs[0], seqs[0] + 7))


@pytest.mark.django_db
def test_same_batch_id_and_content_replays_and_creates_nothing(yuelu, clerk, institution, now, today):
    content = rows_to_csv(sample_rows(3, today=today))
    first = batch_submit(
        court=yuelu,
        client=institution,
        external_id="R-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=content,
        process="inline",
    )
    before = _snapshot()
    again = batch_submit(
        court=yuelu,
        client=institution,
        external_id="R-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=content,
        process="inline",
    )
    assert again.replayed and not first.replayed
    assert again.batch.pk == first.batch.pk and again.batch.status == BatchStatus.ACCEPTED
    assert _snapshot() == before


@pytest.mark.django_db
def test_same_batch_id_with_other_content_is_a_conflict(yuelu, clerk, institution, now, today):
    batch_submit(
        court=yuelu,
        client=institution,
        external_id="C-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=rows_to_csv(sample_rows(2, today=today)),
        process="inline",
    )
    before = _snapshot()
    with pytest.raises(BatchIdConflict) as exc:
        batch_submit(
            court=yuelu,
            client=institution,
            external_id="C-1",
            now=now,
            actor=clerk,
            filename="a.csv",
            content=rows_to_csv(sample_rows(3, today=today)),
            process="inline",
        )
    assert exc.value.code == "batch_id_conflict"
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_row_failing_at_creation_leaves_nothing_and_the_others_are_created(
    yuelu, clerk, institution, now, today, monkeypatch
):
    rows = sample_rows(4, today=today, start=500)
    victim = rows[2]
    real = creating._loan_claim_build

    def flaky(*, batch, row, case):
        if row.data["contract_no"] == victim["合同编号"]:
            raise RuntimeError("disk full")  # after the row's parties and case were written
        return real(batch=batch, row=row, case=case)

    monkeypatch.setattr(creating, "_loan_claim_build", flaky)
    before = _snapshot()
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="F-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=rows_to_csv(rows),
        process="inline",
    ).batch

    assert batch.status == BatchStatus.PARTIALLY_ACCEPTED
    assert (batch.created_cases, batch.error_rows) == (3, 1)
    failed = IntakeRow.objects.get(batch=batch, status=RowStatus.ERROR)
    assert failed.case_id is None and failed.errors[0]["code"] == "create_failed"
    after = _snapshot()
    assert after["cases"] - before["cases"] == 3
    assert after["events"] - before["events"] == 3
    # nothing of the victim row: no party, no address, no claim, no case
    assert not Party.objects.filter(id_number=victim["借款人证件号码"]).exists()
    assert not Party.objects.filter(id_number=victim["担保人1证件号码"]).exists()
    assert not LoanClaim.objects.filter(contract_no=victim["合同编号"]).exists()
    # the victim's number went back: numbers stay gapless
    seqs = sorted(LoanClaim.objects.filter(batch=batch).values_list("case__seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert audit_verify(court=yuelu) == []


@pytest.mark.django_db
def test_an_interrupted_batch_resumes_without_duplicates(
    yuelu, clerk, institution, now, today, settings, monkeypatch
):
    settings.LASTMILE = {**settings.LASTMILE, "FILING": {"CHUNK_ROWS": 2}}
    rows = sample_rows(5, today=today, start=700)
    calls = {"n": 0}
    real = creating._chunk_create_bulk

    def crash_on_second_chunk(*, batch, rows):
        calls["n"] += 1
        real(batch=batch, rows=rows)
        if calls["n"] == 2:
            raise SystemExit("worker killed")  # not an Exception: aborts the chunk like a crash

    monkeypatch.setattr(creating, "_chunk_create_bulk", crash_on_second_chunk)
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="X-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=rows_to_csv(rows),
        process="none",
    ).batch
    with pytest.raises(SystemExit):
        batch_process(batch_id=batch.pk, now=now)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CREATING
    assert batch.created_cases == 2 and LoanClaim.objects.filter(batch=batch).count() == 2  # first chunk kept

    monkeypatch.setattr(creating, "_chunk_create_bulk", real)
    batch = batch_process(batch_id=batch.pk, now=now)
    assert batch.status == BatchStatus.ACCEPTED and batch.created_cases == 5
    assert LoanClaim.objects.filter(batch=batch).count() == 5
    assert batch_process(batch_id=batch.pk, now=now).created_cases == 5  # a third run changes nothing
    assert Case.objects.filter(court=yuelu).count() == 5


@pytest.mark.django_db
def test_bank_cannot_file_into_a_court_it_is_not_allowed_to(wuling, institution, now, today):
    before = _snapshot()
    with pytest.raises(PermissionDenied) as exc:
        batch_submit(
            court=wuling,
            client=institution,
            external_id="W-1",
            now=now,
            via_api=True,
            rows=[{"借款人姓名": "张三"}],
            process="inline",
        )
    assert exc.value.code == "court_not_allowed"
    assert _snapshot() == before


@pytest.mark.django_db
def test_another_courts_clerk_cannot_file_for_this_court(yuelu, other_clerk, institution, now, today):
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        batch_submit(
            court=yuelu,
            client=institution,
            external_id="W-2",
            now=now,
            actor=other_clerk,
            filename="a.csv",
            content=rows_to_csv(sample_rows(1, today=today)),
            process="inline",
        )
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("合同编号,借款金额\nA1,100\n".encode(), "缺少必需的列"),
        (b"\n\n", "没有表头"),
        (b"\xff\xfe\x00garbage\x81", "编码"),
        (rows_to_csv([]), "没有数据行"),
    ],
)
def test_a_file_that_cannot_be_taken_is_rejected_whole(yuelu, clerk, institution, now, content, message):
    before = _snapshot()
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=content,
        process="inline",
    ).batch
    assert batch.status == BatchStatus.REJECTED and message in batch.message
    assert _snapshot()["cases"] == before["cases"] and not IntakeRow.objects.filter(batch=batch).exists()


@pytest.mark.django_db
def test_utf8_with_and_without_bom_and_json_rows_read_the_same(yuelu, clerk, institution, now, today):
    rows = sample_rows(2, today=today, start=40)
    a = batch_submit(
        court=yuelu,
        client=institution,
        external_id="E-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=rows_to_csv(rows, encoding="utf-8-sig"),
        process="inline",
    ).batch
    rows2 = sample_rows(2, today=today, start=42)
    b = batch_submit(
        court=yuelu,
        client=institution,
        external_id="E-2",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=rows_to_csv(rows2, encoding="utf-8"),
        process="inline",
    ).batch
    rows3 = [
        {k: (str(v) if v is not None else "") for k, v in r.items()}
        for r in sample_rows(2, today=today, start=44)
    ]
    c = batch_submit(
        court=yuelu,
        client=institution,
        external_id="E-3",
        now=now,
        via_api=True,
        rows=rows3,
        process="inline",
    ).batch
    assert [x.status for x in (a, b, c)] == [BatchStatus.ACCEPTED] * 3
    assert LoanClaim.objects.count() == 6


@pytest.mark.django_db
def test_every_upload_goes_to_the_worker_even_a_small_one(
    yuelu, clerk, institution, now, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = batch_submit(
            court=yuelu,
            client=institution,
            external_id="L-1",
            now=now,
            actor=clerk,
            filename="a.csv",
            content=rows_to_csv(sample_rows(2, today=today)),
        ).batch
    assert batch.status == BatchStatus.RECEIVED and len(callbacks) == 1
    assert not IntakeRow.objects.exists() and batch.lease_until is not None
    from django_tasks_db.models import DBTaskResult

    callbacks[0]()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [batch.pk]
