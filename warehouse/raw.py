"""Raw layer: land each new file of a source, append-only, every value as text, with lineage.

A file is known by the hash of its content: a file seen before (under any name) is skipped, a file
replaced with new content is loaded again. Each file lands in one transaction together with its
``meta.files`` row, so a killed run never leaves half a file behind. A file that cannot be read is
recorded as rejected (with the reason, in ``meta.files`` and ``quarantine.rejects``) and the others go on.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from connectors import LINEAGE_FIELDS, ConnectorError, FileRead, RowReject, read_file
from connectors.base import check_width
from schemas.spec import SourceSpec
from schemas.sql_names import quote

from warehouse.db import insert_rows, transaction
from warehouse.home import Home
from warehouse.staging import raw_table

__all__ = ["raw_text", "LandingResult", "land_source", "land_files", "landing_files", "file_digest", "unseen_files", "prune_raw",
           "with_added_columns", "spec_fingerprint"]

# Pipeline bookkeeping on raw rows; underscored so they cannot meet a department's column names.
_RAW_LINEAGE = "source_file varchar, source_row bigint, _file_id varchar, _run_id varchar, _loaded_at timestamptz"
# The names above, lower-cased: DuckDB's identifiers ignore case, so "_File_Id" is "_file_id" to it.
RESERVED_COLUMNS = tuple(part.split()[0] for part in _RAW_LINEAGE.split(", "))


@dataclass
class LandingResult:
    source: str
    files_seen: int = 0
    files_loaded: list[str] = field(default_factory=list)
    files_rejected: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    drift: list[str] = field(default_factory=list)  # warnings: columns a file gained or lost


def landing_files(home: Home, spec: SourceSpec) -> list[Path]:
    """The files the spec's glob matches under ``landing/``, in name order (the order they are loaded).

    Hidden files and folders never match (editors' lock files, ``.secrets``), nor does anything reached through
    a linked folder: the glob must not lead out of ``landing/``. A link to a file is matched, and refused when
    landed (:func:`_landing_refusal`), so that the operator sees it.
    """
    landing = home.landing.resolve()
    return sorted(p for p in home.root.glob(spec.path)
                  if _inside_landing(p, home, landing) and (p.is_symlink() or p.is_file()))


def _inside_landing(path: Path, home: Home, landing: Path) -> bool:
    try:
        relative = path.relative_to(home.landing)
    except ValueError:
        return False
    hidden = any(part.startswith(".") for part in relative.parts)
    return not hidden and path.parent.resolve() == landing.joinpath(*relative.parts[:-1])


def file_digest(path: Path) -> str:
    """The hash of the file's content; of the link itself for a symbolic link, whose target is never read."""
    if path.is_symlink():
        return hashlib.sha256(b"symlink\0" + os.fsencode(os.readlink(path))).hexdigest()
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# DuckDB's readers take these as glob characters: a file named "*.jsonl" would read every file of its folder.
_GLOB_CHARACTERS = frozenset("*?[")


def _landing_refusal(path: Path, source_file: str) -> ConnectorError | None:
    """Why a landing file must not be read at all, or None."""
    if path.is_symlink():
        return ConnectorError(source_file, None, "symbolic_link",
                              "landing files must be regular files, this one links elsewhere; copy the export into "
                              "landing/ instead of linking it")
    if _GLOB_CHARACTERS & set(path.name):
        return ConnectorError(source_file, None, "glob_character_in_name",
                              f"the file name has one of {''.join(sorted(_GLOB_CHARACTERS))}, which readers take as a "
                              "pattern matching other files; rename the file")
    return None


def land_source(connection: duckdb.DuckDBPyConnection, home: Home, spec: SourceSpec, run_id: str) -> LandingResult:
    """Append every new file of ``spec``'s landing glob to its raw table."""
    files = [(path, path.relative_to(home.root).as_posix()) for path in landing_files(home, spec)]
    return land_files(connection, spec, files, run_id)


def land_files(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[tuple[Path, str]],
               run_id: str) -> LandingResult:
    """Append the given files (path, lineage name) that the raw table has not seen yet."""
    result = LandingResult(spec.name, files_seen=len(files))
    _ensure_raw_table(connection, spec)
    unseen = []
    for path, source_file, file_id in unseen_files(connection, spec, files):
        refusal = _landing_refusal(path, source_file)
        if refusal is None:
            unseen.append((path, source_file, file_id))
            continue
        _reject_file(connection, spec, source_file, file_id, path.lstat().st_size, run_id, refusal)
        result.files_rejected[source_file] = str(refusal)
    for (path, source_file, file_id), opening in _read_ahead(spec, unseen):
        try:
            rows, drift = _land_file(connection, spec, opening, path, source_file, file_id, run_id)
        except ConnectorError as error:
            _reject_file(connection, spec, source_file, file_id, path.stat().st_size, run_id, error)
            result.files_rejected[source_file] = str(error)
            continue
        result.files_loaded.append(source_file)
        result.rows_read += rows
        result.drift.extend(drift)
    return result


def spec_fingerprint(spec: SourceSpec) -> str:
    """A hash of everything the spec says: a file rejected under one spec is worth reading under another."""
    return hashlib.sha256(spec.model_dump_json().encode()).hexdigest()


def unseen_files(connection: duckdb.DuckDBPyConnection, spec: SourceSpec,
                 files: list[tuple[Path, str]]) -> list[tuple[Path, str, str]]:
    """The files whose content the source has not seen (under any name), with their content hash.

    A file rejected as a whole under an older spec counts as unseen: the rejection may have been the spec's
    mistake (a wrong column name, delimiter or zone), so it is read again with the spec as it is now.
    """
    known = {row[0] for row in connection.execute(
        "select file_id from meta.files where source = ? "
        "and (status <> 'rejected' or spec_fingerprint is not distinct from ?)",
        [spec.name, spec_fingerprint(spec)]).fetchall()}
    digests = _landing_digests(connection, files)
    new = []
    for (path, source_file), file_id in zip(files, digests):
        if file_id not in known:
            known.add(file_id)
            new.append((path, source_file, file_id))
    return new


def _landing_digests(connection: duckdb.DuckDBPyConnection, files: list[tuple[Path, str]]) -> list[str]:
    """The content hash of each file (path, lineage name), reading only the files written since last hashed.

    A file whose size, modification time, status-change time and inode are those it was hashed under
    (``meta.landing_digests``) keeps its hash. Writing a file, or moving another one in its place, changes
    its status-change time, which no tool can set back, so a replaced file is always read again.
    """
    started_ns = time.time_ns()
    cached = {row[0]: (tuple(row[1:5]), row[5]) for row in connection.execute(
        "select source_file, size_bytes, modified_ns, changed_ns, inode, file_id from meta.landing_digests "
        "where list_contains(?, source_file)", [[name for _, name in files]]).fetchall()}
    facts = {name: _file_facts(path) for path, name in files}  # taken before reading: a later write shows
    stale = [(path, name) for path, name in files if cached.get(name, ((), ""))[0] != facts[name]]
    # Hashing releases the GIL, so two threads read two files.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="hash") as pool:
        fresh = dict(zip([name for _, name in stale], pool.map(file_digest, [path for path, _ in stale])))
    # A file written within a clock tick of its hashing could be written again with the same facts (git's
    # "racy clean" files): its hash is not kept, so the next run reads it again.
    settled = {name: file_id for name, file_id in fresh.items() if max(facts[name][1:3]) < started_ns - _RACY_NS}
    if settled:  # row by row: registering an Arrow table would import pandas, a second of a quiet night
        insert_rows(connection, "meta.landing_digests", [
            {"source_file": name, **dict(zip(_FILE_FACTS, facts[name])), "file_id": file_id}
            for name, file_id in settled.items()], replace=True)
    return [fresh[name] if name in fresh else cached[name][1] for _, name in files]


# Coarser than any file system's timestamps (FAT and SMB keep two seconds).
_RACY_NS = 3_000_000_000


_FILE_FACTS = ("size_bytes", "modified_ns", "changed_ns", "inode")  # what _file_facts returns


def _file_facts(path: Path) -> tuple[int, int, int, int]:
    stat = path.lstat()  # of a link itself: its target is never read
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def _read_ahead(spec: SourceSpec, files: list[tuple[Path, str, str]]) -> Iterator[tuple[tuple[Path, str, str], Future]]:
    """Open each file while the previous one is being inserted: parsing and inserting both release the GIL."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        def open_file(path: Path, source_file: str) -> Future:
            return pool.submit(read_file, spec.format, path, source_file, spec.encoding, spec.options)

        pending = [open_file(f[0], f[1]) for f in files[:1]]
        for index, file in enumerate(files):
            if index + 1 < len(files):
                pending.append(open_file(files[index + 1][0], files[index + 1][1]))
            yield file, pending.pop(0)


def _ensure_raw_table(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    connection.execute(f"create table if not exists {raw_table(spec)} ({_RAW_LINEAGE})")
    _ensure_columns(connection, spec, spec.mapped_columns())


def _ensure_columns(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, columns: list[str]) -> None:
    """Add the columns a file brings that the raw table lacks (a source's exports may gain columns)."""
    present = set(_raw_columns(connection, spec))
    missing = [column for column in dict.fromkeys(columns) if column not in present]
    if len(missing) > _ALTER_AT_MOST:
        # Each ALTER keeps a version of the table until the transaction ends: memory grew with the square of
        # the columns (5,000 new columns: 42 s, 7 GB). One rewrite costs a copy of the rows instead.
        added = ", ".join(f"null::varchar as {quote(column)}" for column in missing)
        connection.execute(f"create or replace table {raw_table(spec)} as select *, {added} from {raw_table(spec)}")
        return
    for column in missing:
        connection.execute(f"alter table {raw_table(spec)} add column {quote(column)} varchar")


# New columns added one ALTER each; beyond this many the raw table is rewritten once with all of them.
_ALTER_AT_MOST = 16


def _land_file(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, opening: Future, path: Path,
               source_file: str, file_id: str, run_id: str) -> tuple[int, list[str]]:
    opened: FileRead = opening.result()
    has_columns = bool(opened.columns)  # none: an empty API page, whose columns nothing says
    if has_columns:
        check_width(opened.columns, source_file)  # readers that do not check it themselves
        _refuse_reserved(opened.columns, source_file)
        _require_columns(spec, opened, source_file, _redacted(connection, opened.columns))
        _require_stated_zone(spec, opened, source_file)
    with transaction(connection):
        _forget_rejection(connection, spec, file_id)
        drift = _record_drift(connection, spec, opened.columns, source_file, file_id, run_id) if has_columns else []
        _ensure_columns(connection, spec, opened.columns)
        rows = sum(_append_batch(connection, spec, batch, file_id, run_id) for batch in opened.batches)
        _quarantine_read_rejects(connection, spec, source_file, opened.rejects, run_id)
        _record_file(connection, spec, source_file, file_id, path.stat().st_size, run_id, status="raw_loaded",
                     rows_read=rows + len(opened.rejects), rows_rejected=len(opened.rejects))
    return rows, drift


def _record_file(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, source_file: str, file_id: str,
                 size: int, run_id: str, status: str, rows_read: int = 0, rows_rejected: int = 0,
                 error: str | None = None) -> None:
    """The file's row in ``meta.files``; staging fills in rows_loaded and rows_duplicate."""
    insert_rows(connection, "meta.files", [{
        "file_id": file_id, "source": spec.name, "source_file": source_file, "size_bytes": size, "status": status,
        "rows_read": rows_read, "rows_loaded": 0, "rows_rejected": rows_rejected, "rows_duplicate": 0,
        "error": error, "run_id": run_id, "spec_fingerprint": spec_fingerprint(spec)}], stamped="processed_at")


def _raw_columns(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> list[str]:
    """Every column of the source's raw table, lineage included."""
    return [row[0] for row in connection.execute(
        "select column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'raw' and table_name = ? order by column_index", [spec.name]).fetchall()]


def _record_drift(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, columns: list[str], source_file: str,
                  file_id: str, run_id: str) -> list[str]:
    """Note the columns a file adds to its source, or the optional declared ones it lacks; warnings to show.

    The source's first loaded file sets what is usual (its unmapped columns are left out on purpose); a
    column that a later file brings and no earlier file nor the spec had is drift: recorded in
    ``meta.schema_drift`` and kept in ``attributes`` from then on (see :func:`with_added_columns`).
    """
    has_history = connection.execute("select count(*) from meta.files where source = ? and status <> 'rejected'",
                                     [spec.name]).fetchall()[0][0] > 0
    known = set(_raw_columns(connection, spec))
    added = [c for c in columns if c not in known] if has_history else []
    missing = [c for c in spec.attributes if c not in columns]
    changes = [(c, "added") for c in added] + [(c, "missing") for c in missing]
    insert_rows(connection, "meta.schema_drift", [
        {"source": spec.name, "source_file": source_file, "file_id": file_id, "column_name": column,
         "change": change, "run_id": run_id} for column, change in changes], stamped="detected_at")
    warnings = []
    if added:
        warnings.append(f"{source_file} has new column(s) {_redacted(connection, added)}, kept in attributes")
    if missing:
        warnings.append(f"{source_file} lacks the spec's optional column(s) {missing}")
    return warnings


def with_added_columns(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> SourceSpec:
    """The spec with the columns its files gained since the first one (schema drift) kept as attributes."""
    added = [row[0] for row in connection.execute(
        "select column_name from meta.schema_drift where source = ? and change = 'added' "
        "group by column_name order by min(detected_at), column_name", [spec.name]).fetchall()
        if row[0] not in spec.mapped_columns()]
    return spec.model_copy(update={"attributes": [*spec.attributes, *added]}) if added else spec


def _refuse_reserved(columns: list[str], source_file: str) -> None:
    """A file bringing a column named like the raw table's lineage would clash with it in every later run."""
    clash = [c for c in columns if c.lower() in RESERVED_COLUMNS and c not in LINEAGE_FIELDS]
    if clash:
        raise ConnectorError(source_file, 1, "reserved_column",
                             f"column(s) {clash} have names silobridge keeps for itself ({', '.join(RESERVED_COLUMNS)}, "
                             "in any case); rename them in the export")


def _redacted(connection: duckdb.DuckDBPyConnection, names: list[str]) -> list[str]:
    """Column names fit for the console and Dagster's log: an export without its header row has a respondent's
    e-mail address among them."""
    return connection.execute("select list_transform(?::varchar[], lambda name: sb_redact(name))", [names]).fetchall()[0][0]


def _require_columns(spec: SourceSpec, opened: FileRead, source_file: str, shown_columns: list[str]) -> None:
    missing = [c for c in spec.required_columns() if c not in opened.columns]
    if missing:
        raise ConnectorError(source_file, 1, "missing_column",
                             f"expected column(s) {missing} named in the spec; the file has {shown_columns}")


def _require_stated_zone(spec: SourceSpec, opened: FileRead, source_file: str) -> None:
    """A file that says which zone its response times are in must not be read in another: every time
    would be off by hours, silently."""
    stated, declared = opened.zones.get(spec.responded_at.column), spec.responded_at.timezone
    with_offset = any("%z" in f or "%Z" in f for f in spec.responded_at.formats)
    if stated and stated != declared and not with_offset:
        raise ConnectorError(source_file, 1, "timezone_mismatch",
                             f"the export says column {spec.responded_at.column!r} holds times in {stated}, "
                             f"the spec reads them in {declared}; expected responded_at.timezone: {stated}")


def raw_text(field_: pa.Field) -> str:
    """The SQL that stores a source column as the raw layer keeps every value: as text."""
    name = quote(field_.name)
    if pa.types.is_string(field_.type) or pa.types.is_large_string(field_.type):
        return name
    if pa.types.is_nested(field_.type):
        return f"to_json({name})::varchar"
    if pa.types.is_binary(field_.type) or pa.types.is_large_binary(field_.type):
        # Text stored as bytes without the UTF8 annotation (Impala's and old Hive's Parquet): its text when it
        # is UTF-8, else the escaped bytes, which staging quarantines wherever a value is needed.
        return f"coalesce(try(decode({name})), {name}::varchar)"
    return f"{name}::varchar"


def _append_batch(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, batch: pa.RecordBatch,
                  file_id: str, run_id: str) -> int:
    columns = ", ".join(f"{raw_text(f)} as {quote(f.name)}" for f in batch.schema)
    connection.register("landing_batch", batch)
    try:
        connection.execute(
            f"insert into {raw_table(spec)} by name select {columns}, ? as _file_id, ? as _run_id, "
            "now() as _loaded_at from landing_batch", [file_id, run_id])
    finally:
        connection.unregister("landing_batch")
    return batch.num_rows


def _quarantine_read_rejects(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, source_file: str,
                             rejects: list[RowReject], run_id: str) -> None:
    if not rejects:
        return
    # One insert for all of them: a survey export may hold thousands of unfinished responses.
    table = pa.table({"source_row": [r.source_row for r in rejects], "raw_text": [r.raw_text for r in rejects],
                      "rule": [r.rule for r in rejects], "detail": [r.detail for r in rejects]})
    connection.register("read_rejects", table)
    try:
        connection.execute(
            "insert into quarantine.rejects by name select $source as source, $source_file as source_file, "
            "source_row, json_object('_line', raw_text) as raw_record, rule, "
            "'record ' || source_row || ': ' || detail as detail, $run_id as run_id, now() as rejected_at "
            "from read_rejects", {"source": spec.name, "source_file": source_file, "run_id": run_id})
    finally:
        connection.unregister("read_rejects")


def _reject_file(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, source_file: str, file_id: str,
                 size: int, run_id: str, error: ConnectorError) -> None:
    with transaction(connection):
        _forget_rejection(connection, spec, file_id)
        _record_file(connection, spec, source_file, file_id, size, run_id, status="rejected", error=str(error))
        insert_rows(connection, "quarantine.rejects", [
            {"source": spec.name, "source_file": source_file, "rule": error.rule, "detail": str(error),
             "run_id": run_id}], stamped="rejected_at")


def _forget_rejection(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, file_id: str) -> None:
    """Drop the record of an earlier rejection of this file, which is being read again under a changed spec.

    A rejected file had no row in raw or core (its counts are all 0), so reading it again loads no row twice.
    """
    connection.execute(
        "delete from quarantine.rejects q using meta.files f where f.file_id = ? and f.source = ? "
        "and f.status = 'rejected' and q.source = f.source and q.source_file = f.source_file "
        "and q.run_id = f.run_id and q.source_row is null", [file_id, spec.name])
    connection.execute("delete from meta.files where file_id = ? and source = ? and status = 'rejected'",
                       [file_id, spec.name])


def prune_raw(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, retention_days: int | None, run_id: str) -> int:
    """Delete the raw rows of the source's loaded files processed more than ``retention_days`` ago.

    Their responses stay in core and their ``meta.files`` record stays; ``meta.raw_retention`` notes that a
    full refresh can no longer replay them. Files still waiting for staging are never pruned. Returns the
    number of files pruned.
    """
    if retention_days is None:
        return 0
    _ensure_raw_table(connection, spec)
    with transaction(connection):
        connection.execute(
            "create or replace temp table expired_files as "
            "select f.file_id, f.source, f.source_file from meta.files f "
            "where f.source = ? and f.status = 'loaded' and f.processed_at < now() - to_days(?::integer) "
            "and not exists (select 1 from meta.raw_retention r where r.file_id = f.file_id and r.source = f.source)",
            [spec.name, retention_days])
        pruned = connection.execute(
            f"select e.file_id, e.source_file, count(r._file_id) from expired_files e "
            f"left join {raw_table(spec)} r on r._file_id = e.file_id group by all").fetchall()
        connection.execute(f"delete from {raw_table(spec)} where _file_id in (select file_id from expired_files)")
        insert_rows(connection, "meta.raw_retention", [
            {"file_id": file_id, "source": spec.name, "source_file": source_file, "n_rows": n, "run_id": run_id}
            for file_id, source_file, n in pruned], stamped="deleted_at")
        connection.execute("drop table expired_files")
    return len(pruned)
