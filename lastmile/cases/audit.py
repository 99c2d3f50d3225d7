"""The keyed hash chain behind every court's case timeline, and its anchors outside the database.

Three things make the trail hard to rewrite silently (docs/audit.md):

1. **A key the database does not hold.** Each row's hash is
   ``HMAC-SHA256(key, prev_hash + canonical(row))``. Whoever can write to the database but does
   not hold the key cannot produce a hash that verifies, so rewriting a row and recomputing every
   hash after it fails at the first rewritten row. The key comes from ``LASTMILE_AUDIT_KEY`` (or
   the file ``LASTMILE_AUDIT_KEY_FILE`` names); without either, a key file is created once in the
   data directory with mode 0600, which suits the embedded demo only: ``lastmile check --deploy``
   refuses it.
2. **Anchors.** A signed checkpoint of each court's chain head (court, last index, last event,
   head hash, count, time, the key's id, the previous anchor's signature) is appended to a JSON
   lines file per court outside the database (``LASTMILE_AUDIT_ANCHORS_DIR``, default
   ``<data dir>/audit-anchors``), by the periodic sweep and by ``lastmile audit anchor``, and is
   printed in the monthly report. Deleting the tail of a chain and rewinding its head is caught by
   an anchor that names a head beyond the end; an edited anchor line fails its signature.
3. **Witnesses.** Rows kept by other apps that must not change silently (ledger transactions)
   are written into the chain when they are made; an app registers a witness that compares its
   live rows with what the chain recorded (see :func:`witness_register`).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
KEY_ENV = "LASTMILE_AUDIT_KEY"
KEY_FILE_ENV = "LASTMILE_AUDIT_KEY_FILE"
ANCHORS_ENV = "LASTMILE_AUDIT_ANCHORS_DIR"
MIN_KEY_CHARS = 32
ANCHOR_VERSION = 1


def to_json_data(value: Any) -> Any:
    """Plain JSON (Decimals and dates as strings), exactly as it will read back from the DB."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- the key ------------------------------------------------------------------------------------


class AuditKeyError(ImproperlyConfigured):
    """The audit key is missing, too short or unreadable."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes = field(repr=False)
    source: str  # "setting" | "env" | "file" | "generated"
    path: Path | None = None

    @property
    def key_id(self) -> str:
        """A public fingerprint of the key (written in anchors; reveals nothing of the key)."""
        return hmac.new(self.secret, b"lastmile-audit-key-id", hashlib.sha256).hexdigest()[:16]


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "LASTMILE", {}).get("AUDIT", {}))


def _data_dir() -> Path:
    return Path(getattr(settings, "DATA_DIR", Path.cwd() / "data"))


def default_key_file() -> Path:
    return _data_dir() / "audit.key"


def _checked(text: str, where: str) -> bytes:
    text = text.strip()
    if len(text) < MIN_KEY_CHARS:
        raise AuditKeyError(f"审计密钥（{where}）过短：至少 {MIN_KEY_CHARS} 个字符。")
    return text.encode("utf-8")


def _read_key_file(path: Path) -> bytes:
    try:
        return _checked(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise AuditKeyError(f"无法读取审计密钥文件 {path}：{exc}") from exc


def audit_key_from_file(path: Path) -> AuditKey:
    """A key given by hand (``lastmile audit verify --key-file``), e.g. on an offline machine."""
    if not path.exists():
        raise AuditKeyError(f"审计密钥文件 {path} 不存在。")
    return AuditKey(_read_key_file(path), "file", path)


def _create_key_file(path: Path) -> None:
    """Create a fresh random key readable by its owner only (0600); never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; use theirs
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


_key_lock = threading.Lock()
_key_cache: AuditKey | None = None


def audit_key() -> AuditKey:
    """The key of the audit chain, read once per process.

    Order: ``LASTMILE["AUDIT"]["KEY"]``, the ``LASTMILE_AUDIT_KEY`` environment variable, the file
    ``LASTMILE_AUDIT_KEY_FILE`` (or ``LASTMILE["AUDIT"]["KEY_FILE"]``) names, which must exist,
    then ``<data dir>/audit.key``, created with mode 0600 when missing (the embedded demo).
    """
    global _key_cache
    with _key_lock:
        if _key_cache is None:
            _key_cache = _load_key()
        return _key_cache


def _load_key() -> AuditKey:
    conf = _conf()
    if conf.get("KEY"):
        return AuditKey(_checked(str(conf["KEY"]), "LASTMILE['AUDIT']['KEY']"), "setting")
    if os.environ.get(KEY_ENV):
        return AuditKey(_checked(os.environ[KEY_ENV], KEY_ENV), "env")
    named = conf.get("KEY_FILE") or os.environ.get(KEY_FILE_ENV)
    if named:
        path = Path(named)
        if not path.exists():
            raise AuditKeyError(f"审计密钥文件 {path} 不存在（{KEY_FILE_ENV}）。")
        return AuditKey(_read_key_file(path), "file", path)
    path = default_key_file()
    generated = not path.exists()
    if generated:
        _create_key_file(path)
    return AuditKey(_read_key_file(path), "generated", path)


def audit_key_reset() -> None:
    """Forget the cached key (settings changed in a test, or the key was rotated)."""
    global _key_cache
    with _key_lock:
        _key_cache = None


def audit_key_explicit() -> bool:
    """Whether the key is given explicitly (setting, environment or a named file)."""
    conf = _conf()
    return bool(
        conf.get("KEY") or os.environ.get(KEY_ENV) or conf.get("KEY_FILE") or os.environ.get(KEY_FILE_ENV)
    )


def audit_key_deploy_problems() -> list[str]:
    """What ``check --deploy`` refuses: a production key must be given explicitly (environment
    or a named key file, kept away from the database), long enough, readable by its owner only."""
    if not audit_key_explicit():
        return [
            f"未设置审计链密钥：生产环境须设置 {KEY_ENV} 或 {KEY_FILE_ENV}"
            "（数据目录中自动生成的密钥仅供演示，与数据库存放在一起）。"
        ]
    problems: list[str] = []
    try:
        key = audit_key()
    except AuditKeyError as exc:
        return [str(exc)]
    if key.path is not None and key.path.exists():
        mode = stat.S_IMODE(key.path.stat().st_mode)
        if mode & 0o077:
            problems.append(f"审计密钥文件 {key.path} 的权限为 {mode:o}，应为 600。")
    return problems


# --- hashing ------------------------------------------------------------------------------------


def event_payload(
    *,
    court_code: str,
    chain_index: int,
    case_id: int | None,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    kind: str,
    summary: str,
    data: Any,
    legal_basis: Any,
) -> str:
    """The canonical text of one row: every column but the hashes, in a fixed order."""
    return _canonical(
        {
            "court": court_code,
            "index": chain_index,
            "case": case_id,
            "at": occurred_at,
            "actor": actor_id,
            "actor_label": actor_label,
            "kind": kind,
            "summary": summary,
            "data": data,
            "basis": legal_basis,
        }
    )


@dataclass(frozen=True)
class PayloadParts:
    """The canonical text of a row (:func:`event_payload`) made before its chain index is known:
    the keys sort as ``… "data"``, ``"index"``, ``"kind" …``, so the text is the part before the
    index, the index, and the part after. ``with_index(i)`` equals ``event_payload(chain_index=i,
    …)`` exactly (tested), so the hashing under the head lock is one string join and one HMAC."""

    before: str
    after: str

    def with_index(self, chain_index: int) -> str:
        return f'{self.before},"index":{int(chain_index)},{self.after}'


def event_payload_parts(
    *,
    court_code: str,
    case_id: int | None,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    kind: str,
    summary: str,
    data: Any,
    legal_basis: Any,
) -> PayloadParts:
    """:func:`event_payload` without the chain index, for :func:`PayloadParts.with_index`."""
    before = _canonical(
        {
            "court": court_code,
            "case": case_id,
            "at": occurred_at,
            "actor": actor_id,
            "actor_label": actor_label,
            "basis": legal_basis,
            "data": data,
        }
    )
    after = _canonical({"kind": kind, "summary": summary})
    return PayloadParts(before=before[:-1], after=after[1:])


def chain_digest(*, secret: bytes, prev_hash: str, payload: str) -> str:
    """``HMAC-SHA256(key, prev_hash + payload)`` as hex."""
    return hmac.new(secret, (prev_hash + payload).encode("utf-8"), hashlib.sha256).hexdigest()


def event_digest(*, prev_hash: str, secret: bytes | None = None, **row: Any) -> str:
    """The keyed hash of one row given its predecessor's hash (``row``: see :func:`event_payload`)."""
    key = secret if secret is not None else audit_key().secret
    return chain_digest(secret=key, prev_hash=prev_hash, payload=event_payload(**row))


def canonical_time(dt: Any) -> str:
    """Timestamps hash as UTC ISO strings with microseconds, whatever the DB's timezone."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainBreak:
    """The first bad row of a court's trail. ``event_id`` is 0 when the row is missing;
    ``record`` names a row of another table (e.g. ``ledger_transaction #12``) or an anchor line."""

    court_code: str
    chain_index: int
    event_id: int
    reason: str
    record: str = ""

    def __str__(self) -> str:
        where = f"审计链第 {self.chain_index} 条" if self.chain_index else "审计链外"
        if self.event_id:
            where += f"（事件ID {self.event_id}）"
        extra = f"［{self.record}］" if self.record else ""
        return f"法院 {self.court_code} {where}{extra}校验失败：{self.reason}"


# --- witnesses: rows of other apps recorded in the chain ----------------------------------------


@dataclass(frozen=True)
class Chained:
    """What the chain recorded about one row of another table."""

    chain_index: int
    event_id: int
    data: Any


# (court, {record id: what the chain recorded}) -> breaks, first bad first
WitnessCheck = Callable[[Any, dict[int, Chained]], list[ChainBreak]]


@dataclass(frozen=True)
class Witness:
    kind: str  # the event kind that records a row
    id_field: str  # the key of ``data`` that holds the row's id
    check: WitnessCheck


_WITNESSES: dict[str, Witness] = {}


def witness_register(*, kind: str, id_field: str, check: WitnessCheck) -> None:
    """Let an app have its rows checked against the chain by ``lastmile audit verify``.

    The app records each row with an event of ``kind`` whose ``data[id_field]`` is the row's id
    (or a batch of rows with one event whose ``data["rows"]`` lists them, each with its id there),
    and ``check`` compares the live rows of a court with what the chain recorded. Apps register
    from their ``audit`` module, which :class:`~lastmile.cases.apps.CasesConfig` discovers.
    """
    _WITNESSES[kind] = Witness(kind, id_field, check)


def witnesses() -> dict[str, Witness]:
    return dict(_WITNESSES)


# --- SQLite: DELETE refused except while the test runner flushes the database -------------------

_flush = threading.local()


def sqlite_delete_allowed() -> int:
    """Called by the SQLite DELETE trigger on the trail; 1 only inside :func:`flush_allowed`."""
    return 1 if getattr(_flush, "allowed", False) else 0


@contextmanager
def flush_allowed() -> Iterator[None]:
    """``manage.py flush`` (and the test runner, which calls it) may empty the trail, as a
    PostgreSQL TRUNCATE does; any other DELETE is refused by the trigger."""
    previous = getattr(_flush, "allowed", False)
    _flush.allowed = True
    try:
        yield
    finally:
        _flush.allowed = previous


# --- anchors ------------------------------------------------------------------------------------


def anchors_dir() -> Path:
    conf = _conf()
    named = conf.get("ANCHORS_DIR") or os.environ.get(ANCHORS_ENV)
    return Path(named) if named else _data_dir() / "audit-anchors"


def anchor_file(court_code: str) -> Path:
    return anchors_dir() / f"{court_code}.jsonl"


@dataclass(frozen=True)
class Anchor:
    """One signed checkpoint of a court's chain head."""

    court: str
    index: int  # chain_index of the head row (0: empty chain)
    event: int  # id of the head row
    head: str  # hash of the head row
    count: int  # rows in the chain
    at: str  # when the anchor was taken (UTC ISO)
    key_id: str
    prev: str  # signature of the previous anchor line of this court (GENESIS for the first)
    sig: str
    line: int = 0  # line number in the file (1-based), when read back

    def fields(self) -> dict[str, Any]:
        return {
            "v": ANCHOR_VERSION,
            "court": self.court,
            "index": self.index,
            "event": self.event,
            "head": self.head,
            "count": self.count,
            "at": self.at,
            "key_id": self.key_id,
            "prev": self.prev,
        }

    @property
    def taken_at(self) -> datetime:
        return datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def anchor_signature(fields: dict[str, Any], *, secret: bytes) -> str:
    return hmac.new(secret, _canonical(fields).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AnchorProblem:
    line: int
    reason: str


@dataclass
class AnchorLog:
    """The anchor lines of one court as read back: the ones that verify, and the first problem."""

    court: str
    anchors: list[Anchor] = field(default_factory=list)
    problem: AnchorProblem | None = None
    lines: int = 0

    @property
    def last(self) -> Anchor | None:
        return self.anchors[-1] if self.anchors else None


def anchors_read(court_code: str, *, key: AuditKey | None = None, path: Path | None = None) -> AnchorLog:
    """Read and verify a court's anchor file. Lines after the first bad one are not trusted."""
    key = key or audit_key()
    path = path or anchor_file(court_code)
    log = AnchorLog(court_code)
    if not path.exists():
        return log
    prev = GENESIS
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            log.lines = n
            if log.problem is not None or not raw.strip():
                continue
            try:
                obj = json.loads(raw)
                anchor = Anchor(
                    court=str(obj["court"]),
                    index=int(obj["index"]),
                    event=int(obj["event"]),
                    head=str(obj["head"]),
                    count=int(obj["count"]),
                    at=str(obj["at"]),
                    key_id=str(obj["key_id"]),
                    prev=str(obj["prev"]),
                    sig=str(obj["sig"]),
                    line=n,
                )
                anchor.taken_at  # noqa: B018 - a malformed time is a malformed line
            except (ValueError, KeyError, TypeError):
                log.problem = AnchorProblem(n, "锚点记录格式错误")
                continue
            if anchor.key_id != key.key_id:
                log.problem = AnchorProblem(n, "锚点由另一把密钥签署（所用审计密钥与锚点不符）")
            elif not hmac.compare_digest(anchor.sig, anchor_signature(anchor.fields(), secret=key.secret)):
                log.problem = AnchorProblem(n, "锚点签名无效，该行已被改写或伪造")
            elif anchor.court != court_code:
                log.problem = AnchorProblem(n, f"锚点属于法院 {anchor.court}，不属于本院")
            elif anchor.prev != prev:
                log.problem = AnchorProblem(n, "锚点与前一行不衔接，锚点文件有行被删除、插入或调换")
            elif log.anchors and (anchor.index < log.anchors[-1].index):
                log.problem = AnchorProblem(n, "锚点记载的链头倒退")
            else:
                log.anchors.append(anchor)
                prev = anchor.sig
    return log


def anchor_append(
    *,
    court_code: str,
    index: int,
    event: int,
    head: str,
    count: int,
    now: datetime,
    key: AuditKey | None = None,
) -> Anchor:
    """Sign a checkpoint and append it to the court's anchor file (append-only, fsynced).

    The caller holds the court's chain head lock, so two sweeps never interleave lines of one court.
    """
    key = key or audit_key()
    path = anchor_file(court_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        # One writer per file at a time, across processes: the new line links to the last one.
        fcntl.flock(fd, fcntl.LOCK_EX)
        previous = anchors_read(court_code, key=key, path=path)
        if previous.problem is not None:
            raise AnchorFileDamaged(court_code, previous.problem)
        prev = previous.last.sig if previous.last else GENESIS
        unsigned = Anchor(court_code, index, event, head, count, canonical_time(now), key.key_id, prev, "")
        anchor = _signed(unsigned, anchor_signature(unsigned.fields(), secret=key.secret))
        line = _canonical({**anchor.fields(), "sig": anchor.sig}) + "\n"
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock
    return anchor


def _signed(a: Anchor, sig: str) -> Anchor:
    return Anchor(a.court, a.index, a.event, a.head, a.count, a.at, a.key_id, a.prev, sig)


class AnchorFileDamaged(Exception):
    def __init__(self, court_code: str, problem: AnchorProblem) -> None:
        self.court_code = court_code
        self.problem = problem
        super().__init__(f"法院 {court_code} 的锚点文件第 {problem.line} 行：{problem.reason}")
