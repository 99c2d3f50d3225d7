"""Rate-limit windows in memory that every process of one host shares: a fixed table in a file
mapped into each process, updated under a file lock (as a reverse proxy's shared-memory zone).

A SQLite deployment is one host by nature, so its rate counters live here: a hit is a hash, one
lock and a few bytes read and written (about 5 µs of CPU), where a write transaction on a SQLite
file cost 20–50 µs and queued the web threads behind its write lock. The table is not a record:
a restart of the host may forget the current windows, never anything of the court's.

Layout: ``SLOTS`` slots of (key hash, window end in ms, hits). A key's slot is found by linear
probing from its hash over at most ``PROBES`` slots; a slot whose window has ended is reused, and
a slot never used ends the search (slots never become unused again, so a key is never stored past
one). When every probed slot holds a live window of other keys, :meth:`HostCounters.hit` answers
``None`` and the caller counts elsewhere. The file's name carries the layout, so a table of
another shape is never mapped with this one's size.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
import threading

try:
    import fcntl
except ImportError:  # pragma: no cover (not on Linux or macOS)
    fcntl = None  # type: ignore[assignment]

_HEADER = struct.Struct("<8sQ")  # magic, slots
_SLOT = struct.Struct("<Qqq")  # key hash (0: never used), window end (ms since the epoch), hits
_MAGIC = b"LMRATE01"
SLOTS = 1 << 17  # 131,072 windows in 3 MiB
PROBES = 32


def available() -> bool:
    return fcntl is not None


def key_hash(key: str) -> int:
    """A 64-bit hash of ``key``, the same in every process (never 0, which marks an unused slot)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") or 1


class _Descriptor:
    """An open descriptor of the table's file, closed with the object (a thread's local data is
    dropped when the thread ends; a copy inherited across a fork is left to the parent)."""

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def __del__(self) -> None:
        if self.pid == os.getpid():
            os.close(self.fd)


class HostCounters:
    """The table in ``<base>-v1-<slots>``; one instance per process and base path."""

    def __init__(self, base: str, *, slots: int = SLOTS) -> None:
        self.path = f"{base}-v1-{slots}"
        self.slots = slots
        self._size = _HEADER.size + slots * _SLOT.size
        self._map: mmap.mmap | None = None
        self._map_lock = threading.Lock()
        self._local = threading.local()

    def _fd(self) -> int:
        """This thread's descriptor of the file. ``flock`` excludes other descriptors, so each
        thread has its own (and a forked child opens new ones: a descriptor inherited across a
        fork shares its lock with the parent). It is closed when its thread ends."""
        held: _Descriptor | None = getattr(self._local, "fd", None)
        if held is None or held.pid != os.getpid():
            held = self._local.fd = _Descriptor(self.path)
        return held.fd

    def _mapping(self, fd: int) -> mmap.mmap:
        if self._map is None:
            with self._map_lock:
                if self._map is None:
                    header = _HEADER.pack(_MAGIC, self.slots)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    try:
                        if os.fstat(fd).st_size != self._size or os.pread(fd, _HEADER.size, 0) != header:
                            os.ftruncate(fd, 0)  # new, or left half written: start empty
                            os.ftruncate(fd, self._size)
                            os.pwrite(fd, header, 0)
                        self._map = mmap.mmap(fd, self._size)
                    finally:
                        fcntl.flock(fd, fcntl.LOCK_UN)
        return self._map

    def hit(self, key: str, *, window_ms: int, now_ms: int) -> int | None:
        """Count one event under ``key`` and return the count in its window (opened by the first
        event, ``window_ms`` long); ``None`` when the key has no slot (the probed slots all hold
        other keys' open windows), and nothing was counted."""
        h = key_hash(key)
        start = h % self.slots
        fd = self._fd()
        table = self._mapping(fd)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            reusable = -1
            for i in range(PROBES):
                offset = _HEADER.size + ((start + i) % self.slots) * _SLOT.size
                stored, end, hits = _SLOT.unpack_from(table, offset)
                if stored == h:
                    if end > now_ms:
                        _SLOT.pack_into(table, offset, h, end, hits + 1)
                        return int(hits + 1)
                    _SLOT.pack_into(table, offset, h, now_ms + window_ms, 1)
                    return 1
                if reusable < 0 and (stored == 0 or end <= now_ms):
                    reusable = offset
                if stored == 0:
                    break
            if reusable < 0:
                return None
            _SLOT.pack_into(table, reusable, h, now_ms + window_ms, 1)
            return 1
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
