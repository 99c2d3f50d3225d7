"""What the simulated institutions hold: accounts, balances, vehicles, properties, equity and
fund records per subject, and the freezes placed on them.

Subjects listed in the seed file (the demo parties) get exactly what the file says; any other
ID number gets a deterministic, hash-based holding, so benchmark cases get answers too.
No Django here: the simulator is a separate process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from lastmile.inquiry import protocol

SEED_FILE = Path(__file__).with_name("seed.json")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# (probability per mille that a subject holds something there, maximum balance in fen)
_GENERATED = {
    "bank": (450, 3_000_000),
    "payment": (750, 900_000),
    "securities": (120, 8_000_000),
}
_PLATE_LETTERS = "ABCDEFGHJKLMN"
_PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class SimError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Holding:
    """One asset at one institution."""

    kind: str
    identifier: str
    label: str = ""
    balance: Decimal | None = None
    details: dict[str, Any] = field(default_factory=dict)
    frozen: dict[str, Decimal] = field(default_factory=dict)  # freeze_ref -> amount held
    seized: dict[str, str] = field(default_factory=dict)  # freeze_ref -> until
    deducted: Decimal = ZERO

    def available(self) -> Decimal:
        return (self.balance or ZERO) - sum(self.frozen.values(), ZERO)

    def as_result(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "identifier": self.identifier,
            "label": self.label,
            "details": dict(self.details),
        }
        if self.balance is not None:
            out["balance"] = str(self.balance)
            out["details"]["available"] = str(self.available())
            out["details"]["frozen"] = str(sum(self.frozen.values(), ZERO))
        if self.seized:
            out["details"]["seized"] = True
        return out


def _h(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def _generated(inst: protocol.Institution, id_number: str, salt: str) -> list[Holding]:
    h = _h(salt, inst.code, id_number)
    tail = id_number[-4:]
    if inst.kind in _GENERATED:
        chance, max_fen = _GENERATED[inst.kind]
        if h % 1000 >= chance:
            return []
        balance = (Decimal((h >> 12) % max_fen) * CENT).quantize(CENT)
        if inst.kind == "payment":
            return [Holding(protocol.DEPOSIT, f"{inst.code}-{id_number}", f"{inst.name}余额", balance)]
        if inst.kind == "securities":
            return [
                Holding(
                    protocol.DEPOSIT,
                    f"{inst.code}-cash-{tail}{h % 97:02d}",
                    "证券账户资金余额",
                    balance,
                    {"holdings": [{"code": "600000", "name": "浦发银行", "shares": (h >> 20) % 5000}]},
                )
            ]
        return [Holding(protocol.DEPOSIT, f"62{h % 10**14:014d}{tail}", f"{inst.name}活期存款", balance)]
    if inst.kind == "vehicle_registry" and h % 1000 < 250:
        plate = (
            "湘"
            + _PLATE_LETTERS[h % len(_PLATE_LETTERS)]
            + "·"
            + "".join(_PLATE_CHARS[(h >> (5 * i + 8)) % len(_PLATE_CHARS)] for i in range(5))
        )
        return [Holding(protocol.VEHICLE, plate, f"小型轿车 {plate}", None, {"model": "大众朗逸"})]
    if inst.kind == "real_estate_registry" and h % 1000 < 180:
        cert = f"湘（{2015 + h % 9}）长沙市不动产权第{h % 10**7:07d}号"
        return [Holding(protocol.REAL_ESTATE, cert[:64], "住宅", None, {"area_m2": 60 + h % 90})]
    if inst.kind == "enterprise_registry" and h % 1000 < 80:
        return [
            Holding(
                protocol.EQUITY, f"EQ{h % 10**10:010d}", "有限责任公司股权", None, {"ratio": f"{5 + h % 60}%"}
            )
        ]
    if inst.code == "hpf" and h % 1000 < 500:
        return [
            Holding(
                protocol.PROVIDENT_FUND,
                f"GJJ{h % 10**10:010d}",
                "住房公积金账户",
                (Decimal((h >> 12) % 6_000_000) * CENT).quantize(CENT),
                {"status": "正常缴存"},
            )
        ]
    if inst.code == "social" and h % 1000 < 900:
        return [
            Holding(
                protocol.SOCIAL_INSURANCE,
                f"SB{h % 10**10:010d}",
                "社会保险参保记录",
                None,
                {"employer": "长沙某公司", "status": "参保缴费"},
            )
        ]
    return []


def _from_seed(entries: list[dict[str, Any]]) -> list[Holding]:
    out = []
    for e in entries:
        balance = e.get("balance")
        out.append(
            Holding(
                e["kind"],
                e["identifier"],
                e.get("label", ""),
                Decimal(str(balance)).quantize(CENT) if balance is not None else None,
                dict(e.get("details") or {}),
            )
        )
    return out


class World:
    """Every institution's book, behind one lock."""

    def __init__(self, seed: dict[str, Any] | None = None, salt: str = "lastmile") -> None:
        self.lock = threading.Lock()
        self.salt = salt
        self.subjects: dict[str, dict[str, Any]] = {}
        self.books: dict[tuple[str, str], list[Holding]] = {}
        self.refs: dict[str, tuple[str, str, str]] = {}  # freeze_ref -> (institution, id_number, identifier)
        self.add_subjects((seed or {}).get("subjects", {}))

    @classmethod
    def from_file(cls, path: Path = SEED_FILE, salt: str = "lastmile") -> World:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return cls(data, salt=salt)

    def add_subjects(self, subjects: dict[str, Any]) -> None:
        with self.lock:
            for id_number, entry in subjects.items():
                self.subjects[id_number] = entry
                for key in [k for k in self.books if k[1] == id_number]:
                    del self.books[key]

    def _book(self, inst: protocol.Institution, id_number: str) -> list[Holding]:
        key = (inst.code, id_number)
        if key not in self.books:
            seeded = self.subjects.get(id_number)
            if seeded is not None:
                self.books[key] = _from_seed(seeded.get("institutions", {}).get(inst.code, []))
            else:
                self.books[key] = _generated(inst, id_number, self.salt)
        return self.books[key]

    def _find(self, inst: protocol.Institution, id_number: str, identifier: str) -> Holding:
        for h in self._book(inst, id_number):
            if h.identifier == identifier:
                return h
        raise SimError("unknown_account", "账户或财产不存在")

    def _by_ref(self, inst: protocol.Institution, ref: str) -> Holding:
        found = self.refs.get(ref)
        if found is None or found[0] != inst.code:
            raise SimError("unknown_freeze", "冻结编号不存在")
        return self._find(inst, found[1], found[2])

    def execute(self, inst: protocol.Institution, order: dict[str, Any], today: date) -> dict[str, Any]:
        """Carry out one order; returns the result body. Raises :class:`SimError` to refuse."""
        kind = order.get("kind")
        if kind not in inst.ops:
            raise SimError("unsupported", f"{inst.name}不办理该业务")
        id_number = str((order.get("subject") or {}).get("id_number") or "")
        if not id_number:
            raise SimError("bad_request", "缺少被执行人证件号码")
        with self.lock:
            if kind == protocol.INQUIRE:
                return {"assets": [h.as_result() for h in self._book(inst, id_number)]}
            if kind in (protocol.FREEZE, protocol.SEIZE):
                holding = self._find(inst, id_number, str(order.get("account") or ""))
                ref = f"F{order['order_id'][-20:]}"
                if holding.balance is None or kind == protocol.SEIZE:
                    holding.seized[ref] = (today + timedelta(days=365 * 3)).isoformat()
                    self.refs[ref] = (inst.code, id_number, holding.identifier)
                    return {"freeze_ref": ref, "frozen_amount": "0"}
                amount = Decimal(str(order.get("amount") or "0"))
                frozen = max(ZERO, min(amount, holding.available()))
                if frozen > 0:
                    holding.frozen[ref] = frozen
                    self.refs[ref] = (inst.code, id_number, holding.identifier)
                return {"freeze_ref": ref, "frozen_amount": str(frozen)}
            ref = str(order.get("freeze_ref") or "")
            holding = self._by_ref(inst, ref)
            if kind == protocol.DEDUCT:
                held = holding.frozen.get(ref, ZERO)
                amount = min(Decimal(str(order.get("amount") or "0")), held)
                holding.frozen[ref] = held - amount
                holding.balance = (holding.balance or ZERO) - amount
                holding.deducted += amount
                if holding.frozen[ref] == 0:
                    del holding.frozen[ref]
                return {"deducted_amount": str(amount)}
            if kind == protocol.UNFREEZE:
                if ref in holding.seized:
                    del holding.seized[ref]
                    return {"released_amount": "0"}
                held = holding.frozen.get(ref, ZERO)
                amount = Decimal(str(order.get("amount") or "0"))
                release = held if amount <= 0 or amount >= held else amount
                if release >= held:
                    holding.frozen.pop(ref, None)
                else:
                    holding.frozen[ref] = held - release
                return {"released_amount": str(release)}
            if kind == protocol.RENEW:
                return {"renewed": True, "until": order.get("until", "")}
        raise SimError("unsupported", "不支持的指令")

    def snapshot(self, id_number: str | None = None) -> dict[str, Any]:
        """Balances and freezes held now (for tests and the bench)."""
        with self.lock:
            out: dict[str, Any] = {}
            for (code, idn), holdings in self.books.items():
                if id_number and idn != id_number:
                    continue
                for h in holdings:
                    if h.balance is None and not h.seized:
                        continue
                    out.setdefault(idn, []).append(
                        {
                            "institution": code,
                            "identifier": h.identifier,
                            "balance": str(h.balance or ZERO),
                            "frozen": str(sum(h.frozen.values(), ZERO)),
                            "deducted": str(h.deducted),
                            "seized": len(h.seized),
                        }
                    )
            return out
