"""The XLSX container: refuse a ZIP that is not safe to inflate, reading only its directory."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import IO

from .common import (
    ReadLimits,
    UnreadableFile,
    UploadTooLarge,
    read_limits,
)

# --- XLSX: the container ----------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f}"


def xlsx_check(fh: IO[bytes], limits: ReadLimits | None = None) -> zipfile.ZipFile:
    """Open the XLSX container reading only its directory, and refuse it unless it is safe to
    inflate: at most ``max_members`` parts, no ZIP64, declared sizes within the caps. The sizes
    are those of the central directory; ``zipfile`` never inflates a part beyond its declared
    size and refuses a part whose CRC does not match, so a directory that lies gets nothing."""
    limits = limits or read_limits()
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    tail_len = min(size, _EOCD_SIZE + 65_535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise UnreadableFile("无法读取XLSX文件，请确认文件未损坏。")
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if entries == 0xFFFF or tail.rfind(_ZIP64_LOCATOR, 0, at) >= 0:
        raise UploadTooLarge("XLSX文件使用了超大文件格式（ZIP64），无法受理，请拆分后提交。")
    if entries > limits.max_members:
        raise UploadTooLarge(
            f"XLSX文件包含{entries}个部件（上限{limits.max_members}个），疑似压缩炸弹，已拒收。",
            details={"members": entries, "max_members": limits.max_members},
        )
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            "无法读取XLSX文件，请确认文件未损坏。", details={"error": str(exc)[:200]}
        ) from None
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        zf.close()
        raise UploadTooLarge(
            f"XLSX文件解压后约{_megabytes(total)} MB，"
            f"超过上限{_megabytes(limits.max_uncompressed_bytes)} MB，疑似压缩炸弹，已拒收。",
            details={"uncompressed_bytes": total, "max_uncompressed_bytes": limits.max_uncompressed_bytes},
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            zf.close()
            raise UploadTooLarge(
                f"XLSX文件部件“{info.filename[:64]}”压缩比异常（{ratio:,.0f}倍，上限"
                f"{limits.max_compression_ratio}倍），疑似压缩炸弹，已拒收。",
                details={"member": info.filename[:64], "ratio": int(ratio)},
            )
        if info.flag_bits & 0x1:
            zf.close()
            raise UnreadableFile("XLSX文件已加密，请取消密码保护后再上传。")
    if "xl/workbook.xml" not in zf.NameToInfo:
        zf.close()
        raise UnreadableFile("文件不是有效的XLSX表格（缺少工作簿），请另存为XLSX格式。")
    return zf
