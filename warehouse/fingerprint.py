"""What the published warehouse was built from, so that a run with nothing new can stop at once.

The published warehouse is a function of: the files the pipeline has processed (``meta.files``: content
hash, status, counts), the home's configuration (source specs, ``silobridge.yaml``, account overrides),
the mart settings, and silobridge's own code and SQL. Each publish records a fingerprint of all of them
in ``meta.publishes``. A run that finds no new landing file and the same fingerprint as the last
publish has nothing to do: the warehouse it would build is the one already published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

import duckdb

from schemas.spec import SourceSpec

from warehouse.db import insert_rows
from warehouse.home import Home
from warehouse.marts import MartSettings
from warehouse.publish import published_file_intact
from warehouse.raw import landing_files, unseen_files

__all__ = ["inputs_fingerprint", "record_publish", "already_published", "nothing_new"]

# Every package of the distribution: a change to an asset's wiring or a reader can change the warehouse too.
_CODE_PACKAGES = ("schemas", "connectors", "warehouse", "pipelines", "samples")
_CODE_SUFFIXES = (".py", ".sql", ".yaml", ".txt")


def _package_files(package: str) -> Iterable[tuple[str, bytes]]:
    root = Path(str(files(package)))
    for path in sorted(root.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            yield f"{package}/{path.relative_to(root).as_posix()}", path.read_bytes()


def _home_files(home: Home) -> Iterable[tuple[str, bytes]]:
    candidates = [*home.sources.glob("*.y*ml"), home.settings_file,
                  *(home.accounts.rglob("*") if home.accounts.exists() else [])]
    for path in sorted(p for p in candidates if p.is_file()):
        yield path.relative_to(home.root).as_posix(), path.read_bytes()


def inputs_fingerprint(connection: duckdb.DuckDBPyConnection, home: Home, settings: MartSettings) -> str:
    """A hash of everything the published warehouse is built from."""
    digest = hashlib.sha256()
    processed = connection.execute(
        "select file_id, source, status, rows_loaded, rows_rejected, rows_duplicate from meta.files order by all"
    ).fetchall()
    digest.update(repr(processed).encode())
    digest.update(repr(sorted(vars(settings).items())).encode())
    for package in _CODE_PACKAGES:
        for name, content in _package_files(package):
            digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    for name, content in _home_files(home):
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def record_publish(connection: duckdb.DuckDBPyConnection, home: Home, run_id: str, settings: MartSettings) -> None:
    insert_rows(connection, "meta.publishes", [
        {"run_id": run_id, "inputs_fingerprint": inputs_fingerprint(connection, home, settings)}], stamped="published_at")


def _last_fingerprint(connection: duckdb.DuckDBPyConnection) -> str | None:
    rows = connection.execute(
        "select inputs_fingerprint from meta.publishes order by published_at desc limit 1").fetchall()
    return rows[0][0] if rows else None


def already_published(connection: duckdb.DuckDBPyConnection, home: Home, settings: MartSettings) -> bool:
    """Whether the published warehouse was built from exactly what the pipeline database holds now."""
    if not home.warehouse_db.exists() or not published_file_intact(home.warehouse_db):
        return False  # a damaged warehouse is written afresh, though nothing else changed
    last = _last_fingerprint(connection)
    return last is not None and last == inputs_fingerprint(connection, home, settings)


def nothing_new(connection: duckdb.DuckDBPyConnection, home: Home, specs: list[SourceSpec],
                settings: MartSettings = MartSettings()) -> int | None:
    """The number of landing files when none is new and nothing else changed since the last publish, else None."""
    if not already_published(connection, home, settings):
        return None
    n_files = 0
    for spec in specs:
        files = [(path, path.relative_to(home.root).as_posix()) for path in landing_files(home, spec)]
        if unseen_files(connection, spec, files):
            return None
        n_files += len(files)
    return n_files
