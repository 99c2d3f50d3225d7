"""Uploads cannot exhaust the machine: a decompression bomb is refused from the ZIP directory
while the process stays small, nothing is parsed in the request, and an overlong cell is an
error of its row, not a 500 and not a stuck batch."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lastmile.filing import reading
from lastmile.filing.models import BatchStatus, IntakeBatch, IntakeRow, LoanClaim, RowStatus
from lastmile.filing.reading import OverlongCell, UploadTooLarge, read_csv, read_xlsx
from lastmile.filing.reading import upload as reading_upload
from lastmile.filing.samples import HEADERS, rows_to_csv, rows_to_xlsx, sample_rows
from lastmile.filing.services import batch_process, batch_submit, validating

ROOT = Path(__file__).resolve().parents[3]
MEMORY_CAP_MB = 300

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
    b'xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
    b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/>'
    b"</sheets></workbook>"
)
_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
    b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of raw-deflated members ``(name, deflated, crc, uncompressed size)``, written by
    hand so a member's data can be a repeated compressed block (no need to compress gigabytes)."""
    out = io.BytesIO()
    central = []
    for name, raw, crc, size in members:
        offset = out.tell()
        nb = name.encode()
        out.write(
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size, len(nb), 0)
        )
        out.write(nb + raw)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                *(b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(raw), size, len(nb), 0, 0, 0, 0, 0, offset),
            )
            + nb
        )
    directory = b"".join(central)
    at = out.tell()
    out.write(directory)
    out.write(
        struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), at, 0)
    )
    return out.getvalue()


def _small(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def xlsx_bomb(megabytes_of_rows: int = 1536) -> bytes:
    """An XLSX of about 5 MB whose sheet is 1.5 GiB of identical rows: each MiB of rows deflates
    to the same ~3 KB block (a full flush resets the compressor), repeated."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAA</t></is></c></row>'
    chunk = row * ((1 << 20) // len(row))
    tail = b"</sheetData></worksheet>"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH) == block
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes_of_rows):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * megabytes_of_rows + len(tail)
    sheet = ("xl/worksheets/sheet1.xml", first + block * megabytes_of_rows + last, crc, size)
    return _zip(
        [
            _small("[Content_Types].xml", _CONTENT_TYPES),
            _small("_rels/.rels", _ROOT_RELS),
            _small("xl/workbook.xml", _WORKBOOK),
            _small("xl/_rels/workbook.xml.rels", _RELS),
            sheet,
        ]
    )


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    path.write_bytes(xlsx_bomb())
    return path


_PROBE = textwrap.dedent(
    """
    import json, os, resource, sys
    # protect the machine should the reader not hold: 2 GiB of address space at most
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    django.setup()
    from lastmile.filing.reading import read_upload, upload_check, UnreadableFile
    out = {}
    bomb = open(sys.argv[1], "rb").read()
    steps = (("check", lambda: upload_check("xlsx", bomb)), ("read", lambda: read_upload("b.xlsx", bomb)))
    for step, call in steps:
        try:
            call()
            out[step] = "accepted"
        except UnreadableFile as exc:
            out[step] = [exc.code, exc.message]
    # a cell at XFD1048576: a dense reader allocates 17 billion cells; this one ignores it
    kind, sheet = read_upload("far.xlsx", open(sys.argv[2], "rb").read())
    out["far"] = [sheet.headers, list(sheet.rows)]
    # VmHWM: the peak RSS of this program's own address space. ru_maxrss would also count the
    # parent's memory at fork (Linux keeps it across exec), i.e. the size of the test runner.
    status = open("/proc/self/status").read()
    hwm_kb = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1])
    out["maxrss_mb"] = hwm_kb / 1024
    print(json.dumps(out, ensure_ascii=False))
    """
)


def test_a_decompression_bomb_is_refused_while_the_process_stays_under_300_mb(bomb, tmp_path):
    assert bomb.stat().st_size < 5 * 1024 * 1024
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"], book.active["B1"] = "合同编号", "借款金额"
    book.active["A2"], book.active["B2"] = "HT-1", 100
    book.active["XFD1048576"] = "远处的单元格"
    far = tmp_path / "far.xlsx"
    book.save(far)

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "LASTMILE_DATA_DIR": str(tmp_path / "data")}
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(bomb), str(far)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    out = json.loads(probe.stdout.strip().splitlines()[-1])
    for step in ("check", "read"):
        code, message = out[step]
        assert code == "upload_too_large" and "压缩炸弹" in message and "1,536 MB" in message
    assert out["far"] == [["合同编号", "借款金额"], [[2, ["HT-1", 100.0]]]]
    assert out["maxrss_mb"] < MEMORY_CAP_MB, out


@pytest.mark.django_db
def test_the_api_refuses_a_bomb_with_a_json_code_and_stores_nothing(bomb, api_key, clock):
    upload = SimpleUploadedFile("借款.xlsx", bomb.read_bytes())
    response = Client(headers={"X-Api-Key": api_key}).post(
        "/api/v1/filing/batches", {"file": upload, "batch_id": "BOMB-1", "court": "湘0104"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload_too_large" and "压缩炸弹" in body["message"]
    assert body["details"]["uncompressed_bytes"] > 1024**3
    assert IntakeBatch.objects.count() == 0


@pytest.mark.django_db
def test_the_page_refuses_a_bomb_with_a_chinese_message(bomb, clerk, institution, clock):
    web = Client()
    web.force_login(clerk)
    upload = SimpleUploadedFile("借款.xlsx", bomb.read_bytes())
    response = web.post("/filing/", {"client": institution.pk, "batch_id": "BOMB-2", "file": upload})
    assert response.status_code == 400 and "疑似压缩炸弹，已拒收" in response.content.decode()
    assert IntakeBatch.objects.count() == 0


@pytest.mark.django_db
def test_nothing_is_parsed_in_the_request_even_for_a_small_upload(
    yuelu, clerk, institution, now, today, monkeypatch
):
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed in the request")

    for name in ("read_upload", "read_xlsx", "read_csv"):
        monkeypatch.setattr(reading_upload, name, no_parsing)
    monkeypatch.setattr(validating, "read_upload", no_parsing)
    for filename, content in (
        ("a.xlsx", rows_to_xlsx(sample_rows(2, today=today, prefix="XQ"))),
        ("a.csv", rows_to_csv(sample_rows(2, today=today, prefix="CQ"))),
    ):
        batch = batch_submit(
            court=yuelu,
            client=institution,
            external_id=filename,
            now=now,
            actor=clerk,
            filename=filename,
            content=content,
        ).batch
        assert batch.status == BatchStatus.RECEIVED and batch.file
    assert not IntakeRow.objects.exists()


def _csv_with_long_cell(today, length: int) -> bytes:
    rows = sample_rows(3, today=today, prefix="LC")
    rows[1]["借款人地址"] = "长" * length
    return rows_to_csv(rows, encoding="gbk")


@pytest.mark.django_db
@pytest.mark.parametrize("length", [200_000, 2_000_000])
def test_a_very_long_csv_cell_is_an_error_of_its_row_and_the_batch_finishes(
    yuelu, clerk, institution, now, today, length
):
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id=f"LONG-{length}",
        now=now,
        actor=clerk,
        filename="借款.csv",
        content=_csv_with_long_cell(today, length),
    ).batch
    batch = batch_process(batch_id=batch.pk, now=now)
    assert batch.status == BatchStatus.PARTIALLY_ACCEPTED and batch.created_cases == 2
    bad = IntakeRow.objects.get(batch=batch, status=RowStatus.ERROR)
    assert bad.row_number == 3 and bad.errors[0]["code"] == "too_long"
    if length < 1_000_000:  # the cell is capped; beyond the csv module's own limit the line is lost
        assert [e["code"] for e in bad.errors] == ["too_long"]
    assert "单元格内容过长" in bad.errors[0]["message"] and "最多2000个" in bad.errors[0]["message"]
    assert all(len(cell) <= 2000 for cell in bad.raw)  # the stored row is capped too
    assert LoanClaim.objects.filter(batch=batch).count() == 2


@pytest.mark.django_db
def test_the_api_answers_a_long_csv_cell_with_a_row_error(api_key, clock, today, now):
    upload = SimpleUploadedFile("借款.csv", _csv_with_long_cell(today, 200_000))
    bank = Client(headers={"X-Api-Key": api_key})
    response = bank.post(
        "/api/v1/filing/batches", {"file": upload, "batch_id": "LONG-API", "court": "湘0104"}
    )
    assert response.status_code == 201, response.content
    batch_process(batch_id=response.json()["id"], now=now)
    errors = bank.get(f"/api/v1/filing/batches/{response.json()['id']}/errors").json()
    assert [(e["row"], e["errors"][0]["code"]) for e in errors] == [(3, "too_long")]


def test_an_overlong_xlsx_cell_is_capped_and_marked(today):
    rows = sample_rows(1, today=today)
    rows[0]["借款人姓名"] = "王" * 5000
    sheet = read_xlsx(rows_to_xlsx(rows))
    [(number, cells)] = list(sheet.rows)
    name = cells[HEADERS.index("借款人姓名")]
    assert number == 2 and isinstance(name, OverlongCell) and name.length == 5000 and len(name) == 2000


def test_more_rows_than_the_cap_refuse_the_file_while_reading(settings, today):
    settings.LASTMILE = {**settings.LASTMILE, "FILING": {"MAX_ROWS": 3}}
    sheet = read_csv(rows_to_csv(sample_rows(5, today=today)))
    with pytest.raises(reading.TooManyRows):
        list(sheet.rows)


def test_a_document_type_declaration_is_refused():
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    data = _zip(
        [
            _small("[Content_Types].xml", _CONTENT_TYPES),
            _small("_rels/.rels", _ROOT_RELS),
            _small("xl/workbook.xml", _WORKBOOK),
            _small("xl/_rels/workbook.xml.rels", _RELS),
            _small("xl/worksheets/sheet1.xml", sheet),
        ]
    )
    with pytest.raises(reading.UnreadableFile, match="DTD"):
        read_xlsx(data)


def test_a_directory_that_understates_a_part_gets_nothing_more():
    real = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    real += b'<row r="1"><c r="A1" t="inlineStr"><is><t>X</t></is></c></row>' * 10_000
    real += b"</sheetData></worksheet>"
    name, raw, crc, _size = _small("xl/worksheets/sheet1.xml", real)
    lying = _zip(
        [
            _small("[Content_Types].xml", _CONTENT_TYPES),
            _small("_rels/.rels", _ROOT_RELS),
            _small("xl/workbook.xml", _WORKBOOK),
            _small("xl/_rels/workbook.xml.rels", _RELS),
            (name, raw, crc, 200),  # claims 200 bytes
        ]
    )
    with pytest.raises(reading.UnreadableFile):
        list(read_xlsx(lying).rows)
    with pytest.raises(UploadTooLarge):
        reading.upload_check(
            "xlsx", lying, reading.ReadLimits(max_compression_ratio=1, max_uncompressed_bytes=100)
        )
