"""Legal references, stored as (law, version, article) and never as a bare article number.

SPC interpretations cite the Civil Procedure Law by the numbering current when they were issued
(e.g. 民诉解释 2022 cites the 2021 numbering; see docs/law.md), so a reference always carries the
version of the law it means.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """One article of one version of a law or judicial interpretation."""

    law: str
    version: str = ""
    article: str = ""

    def __str__(self) -> str:
        text = f"《{self.law}》"
        if self.version:
            text += f"（{self.version}）"
        if self.article:
            text += f"第{self.article}条"
        return text

    def as_dict(self) -> dict[str, str]:
        return {"law": self.law, "version": self.version, "article": self.article}

    @classmethod
    def from_dict(cls, data: dict[str, str] | None) -> LegalBasis | None:
        if not data:
            return None
        return cls(data.get("law", ""), data.get("version", ""), data.get("article", ""))


def cpl(article: int | str) -> LegalBasis:
    """An article of the Civil Procedure Law as amended in 2023 (effective 2024-01-01)."""
    return LegalBasis("民事诉讼法", "2023", str(article))
