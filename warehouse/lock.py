"""One writer at a time: a run holds ``<home>/.lock`` until it ends.

DuckDB lets one process write the pipeline database; a second run must refuse at once, saying which
run holds the home, rather than fail half-way with a lock error. The lock is an ``flock`` on the file,
so it is released by the kernel when its process dies, even by SIGKILL: a stale lock file is harmless.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.home import Home

__all__ = ["HomeBusy", "writer_lock"]

_held: dict[Path, int] = {}  # lock files this process holds, with how many holders


class HomeBusy(RuntimeError):
    """Another run is writing to this home."""


def _describe(path: Path) -> str:
    try:
        holder = json.loads(path.read_text())
        return f"run {holder['run_id']} (pid {holder['pid']}, started {holder['started_at']})"
    except (OSError, ValueError, KeyError):
        return "another run"


@contextmanager
def writer_lock(home: Home, run_id: str) -> Iterator[None]:
    """Hold the home's writer lock; raises :class:`HomeBusy` at once if another process holds it."""
    path = home.root / ".lock"
    if path in _held:  # the CLI and the Dagster resource of the same run both ask
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    home.root.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise HomeBusy(f"{home.root} is being written by {_describe(path)}; "
                       "wait for it to finish (one run at a time)") from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, json.dumps({"run_id": run_id, "pid": os.getpid(),
                                     "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}).encode())
    _held[path] = 1
    try:
        yield
    finally:
        del _held[path]
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
