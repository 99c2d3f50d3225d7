"""The seal/signature step: a port the documents app owns, with a placeholder adapter.

A real electronic-seal service (a court's 电子签章 system) signs the finished PDF bytes; until one
is connected, :class:`PlaceholderSealAdapter` prints a visible "电子签章（占位）" mark where the
seal goes and records that the document was *not* cryptographically signed. The adapter in use is
``settings.LASTMILE["DOCUMENTS"]["SIGNATURE_ADAPTER"]`` (a dotted path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.module_loading import import_string

from .conf import documents_setting
from .rendering import SealMark

DEFAULT_ADAPTER = "lastmile.documents.seal.PlaceholderSealAdapter"


@dataclass(frozen=True)
class SealResult:
    pdf: bytes
    record: dict[str, Any] = field(default_factory=dict)


class SignaturePort(Protocol):
    name: str

    def mark(self, *, court_name: str, number: str) -> SealMark | None:
        """The visible mark to print before signing (or None for none)."""
        ...

    def seal(self, pdf: bytes, *, court_name: str, number: str) -> SealResult:
        """Sign the rendered PDF; returns the bytes to issue and what to record."""
        ...


class PlaceholderSealAdapter:
    """Prints "电子签章（占位）" and signs nothing."""

    name = "placeholder"
    MARK = "电子签章（占位）"

    def mark(self, *, court_name: str, number: str) -> SealMark | None:
        return SealMark(court_name=court_name, text=self.MARK)

    def seal(self, pdf: bytes, *, court_name: str, number: str) -> SealResult:
        return SealResult(pdf=pdf, record={"adapter": self.name, "mark": self.MARK, "signed": False})


def signature_port() -> SignaturePort:
    path = str(documents_setting("SIGNATURE_ADAPTER") or DEFAULT_ADAPTER)
    port: SignaturePort = import_string(path)()
    return port
