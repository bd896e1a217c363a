"""A night's marts: each recomputes only the rows its changes touch, or is built whole when that is not sure.

A mart declares next to its SQL, in ``<name>.yaml``, what it is refreshed by::

    refresh:
      by: account_id        # or month, or quarter: a column of the mart; its rows of one key depend only on
                            # the responses of that key (their account, or their UTC month or quarter)
      window_days: 90       # optional: figures over the trailing days ending on as_of_date (the newest
                            # response's UTC date), a column of every row
      reads_whole:          # optional: marts read whole, and the columns whose change rebuilds it whole
        feature_requests: [feature]

A mart without a declaration is built whole every time, as are all of them on their first build, after a full
refresh, when their SQL, declaration or settings changed, or when a night touches more than
:data:`REFRESH_SHARE` of their keys. Otherwise the mart's own SQL runs on core narrowed to the touched keys
(an in-memory catalog whose ``core.feedback`` holds only their responses), and its rows of those keys are
replaced with the result: the same rows a whole build gives.

What changed is found against a snapshot the marts take once every mart was built in one run
(``sql/take_mart_snapshot.sql``): the runs whose responses they count, each mention's account, the golden
accounts and the as-of date, plus the replaced versions the merge notes in ``meta.replaced_responses``. A mart
refreshes only from that snapshot: one built since by a run that did not build them all is built whole.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache

import duckdb

from schemas.sql_names import quote

from warehouse.db import insert_rows, run_sql, scalar, transaction
from warehouse.ddl import feedback_select_sql
from warehouse.marts import MartSettings, build_mart, mart_names, mart_sql, tables_read
from warehouse.packaged import packaged_file

__all__ = ["MartBuilt", "Refresh", "REFRESH_SHARE", "refresh_declaration", "refresh_mart"]

# Above this share of touched keys a narrowed build costs about what a whole one does.
REFRESH_SHARE = 0.3

# The keys a mart can be refreshed by: the key of a response (an expression on core.feedback_loaded's columns,
# None for the account, which its mention gives) and what one key is called in the progress line.
_RESPONSE_KEY = {
    "account_id": None,
    "month": "date_trunc('month', responded_at at time zone 'UTC')::date",
    "quarter": "date_trunc('quarter', responded_at at time zone 'UTC')::date",
}
_NOUNS = {"account_id": "accounts", "month": "months", "quarter": "quarters"}

# The in-memory catalog a narrowed build runs in: ``core`` and ``marts`` there are views of the pipeline's,
# narrowed to the touched keys where the key allows it.
_SCOPE = "mart_scope"


@dataclass(frozen=True)
class Refresh:
    """A mart's declaration: what its rows are keyed by, its trailing window and the marts it reads whole."""

    by: str
    window_days: int | None = None
    reads_whole: dict[str, tuple[str, ...]] = field(default_factory=dict)


@cache  # the packaged files do not change while silobridge runs
def refresh_declaration(name: str) -> Refresh | None:
    """The ``refresh`` of ``<name>.yaml``, None when the mart declares none.

    >>> refresh_declaration("score_trends")
    Refresh(by='month', window_days=None, reads_whole={})
    """
    import yaml

    declared = packaged_file(f"marts/{name}.yaml")
    if not declared.is_file():
        return None
    refresh = (yaml.safe_load(declared.read_text(encoding="utf-8")) or {}).get("refresh")
    if not refresh:
        return None
    return Refresh(by=refresh["by"], window_days=refresh.get("window_days"),
                   reads_whole={mart: tuple(columns) for mart, columns in (refresh.get("reads_whole") or {}).items()})


@dataclass(frozen=True)
class MartBuilt:
    """What a mart's build did, as its progress line says it."""

    rows: int
    whole_because: str | None = None  # why it was built whole; None when refreshed
    noun: str = ""
    n_refreshed: int = 0
    n_keys: int = 0

    @property
    def share(self) -> float | None:
        return None if self.whole_because else self.n_refreshed / max(self.n_keys, 1)

    def __str__(self) -> str:
        if self.whole_because:
            return f"{self.rows:,} rows, rebuilt whole ({self.whole_because})"
        return (f"{self.rows:,} rows, refreshed {self.share:.1%} of its {self.noun} "
                f"({self.n_refreshed:,} of {self.n_keys:,})")


def refresh_mart(connection: duckdb.DuckDBPyConnection, name: str, settings: MartSettings = MartSettings(),
                 run_id: str = "manual") -> MartBuilt:
    """Bring one mart up to date with core: its touched rows, or all of it; records how for the next night."""
    declared = refresh_declaration(name)
    plan = _plan(connection, name, declared, settings, run_id)
    if isinstance(plan, str):
        connection.execute(f"detach database if exists {_SCOPE}")
        with transaction(connection):
            built = MartBuilt(build_mart(connection, name, settings), whole_because=plan)
            _record(connection, name, declared, settings, run_id, built)
        return built
    _build_narrowed(connection, name, declared, settings)
    with transaction(connection):
        built = _replace_touched_rows(connection, name, declared, plan)
        _record(connection, name, declared, settings, run_id, built)
    connection.execute(f"detach database {_SCOPE}")
    return built


@dataclass(frozen=True)
class _Plan:
    n_refreshed: int
    n_keys: int
    as_of: object  # the as-of date now (windowed marts)


def _plan(connection: duckdb.DuckDBPyConnection, name: str, declared: Refresh | None, settings: MartSettings,
          run_id: str) -> _Plan | str:
    """How to bring the mart up to date: a refresh of the keys now in ``mart_scope.main.keys``, or why not."""
    if declared is None:
        return "no refresh declared"
    if declared.by not in _RESPONSE_KEY:
        return f"refreshed by {declared.by}, which silobridge cannot narrow"
    unnarrowed = _unnarrowed_reads(name, declared)
    if unnarrowed:
        return f"reads {unnarrowed[0]}, which a refresh by {declared.by} cannot narrow"
    previous = connection.execute("select definition_hash, whole_reads_hash, run_id from meta.mart_builds "
                                  "where mart = ?", [name]).fetchall()
    if not previous or not _has_table(connection, "marts", name):
        return "first build"
    definition, whole_reads, built_by = previous[0]
    if definition != _definition_hash(name, settings):
        return "its SQL, declaration or settings changed"
    snapshot = _snapshot(connection)
    if snapshot is None or built_by != snapshot[0]:
        return "not built with the other marts last time"
    if whole_reads != _whole_reads_hash(connection, declared):
        return "what it reads of " + ", ".join(f"marts.{m}" for m in declared.reads_whole) + " changed"
    rebuilt = _rebuilt_whole_tonight(connection, name, declared, run_id)
    if rebuilt:
        return f"marts.{rebuilt} was rebuilt whole"
    try:
        return _touched_keys(connection, name, declared, snapshot, run_id)
    except duckdb.Error as error:  # a snapshot of an older silobridge's tables
        return f"its last build cannot be compared with: {str(error).splitlines()[0]}"


def _unnarrowed_reads(name: str, declared: Refresh) -> list[str]:
    """Tables the mart reads that a narrowed build could give it only whole, where that would be wrong."""
    allowed = {"core.feedback", "core.feedback_scores", *(f"marts.{m}" for m in declared.reads_whole)}
    if declared.by == "account_id":
        allowed |= {"core.accounts", *(f"marts.{m}" for m in _marts_refreshed_by("account_id"))}
        if declared.window_days:
            allowed.add("core.feedback_loaded")  # the as-of date, the whole warehouse's
    return sorted(_tables_read(name) - allowed)


def _marts_refreshed_by(key: str) -> list[str]:
    return [m for m in mart_names() if (d := refresh_declaration(m)) is not None and d.by == key]


@cache
def _tables_read(name: str) -> frozenset[str]:
    """The ``schema.table`` names the mart's SQL reads, as DuckDB's parser sees them."""
    return frozenset(tables_read(mart_sql(name), _parser()))


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """An in-memory connection that only parses (opening one costs more than parsing all the marts)."""
    return duckdb.connect()


def _marts_read(name: str) -> set[str]:
    return {table.removeprefix("marts.") for table in _tables_read(name) if table.startswith("marts.")}


def _has_table(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return scalar(connection, "select count(*) from duckdb_tables() where database_name = current_database() "
                              "and schema_name = ? and table_name = ?", [schema, name]) > 0


def _definition_hash(name: str, settings: MartSettings) -> str:
    sql = mart_sql(name)
    declaration = packaged_file(f"marts/{name}.yaml")
    used = sorted((k, v) for k, v in vars(settings).items() if f"${k}" in sql)
    digest = hashlib.sha256(sql.encode())
    digest.update(declaration.read_bytes() if declaration.is_file() else b"")
    digest.update(repr(used).encode())
    return digest.hexdigest()


def _whole_reads_hash(connection: duckdb.DuckDBPyConnection, declared: Refresh | None) -> str:
    """A hash of the columns the mart reads whole from other marts (those marts change every night otherwise)."""
    digest = hashlib.sha256()
    for mart, columns in sorted((declared.reads_whole if declared else {}).items()):
        packed = ", ".join(f"{quote(c)} := {quote(c)}" for c in columns)
        digest.update(mart.encode() + b"\0" + str(scalar(
            connection, f"select md5(coalesce(string_agg(j, chr(10) order by j), '')) "
                        f"from (select to_json(struct_pack({packed}))::varchar as j from marts.{quote(mart)})")).encode())
    return digest.hexdigest()


def _snapshot(connection: duckdb.DuckDBPyConnection) -> tuple | None:
    if not _has_table(connection, "meta", "mart_snapshot"):
        return None
    rows = connection.execute("select snapshot_id, as_of_date from meta.mart_snapshot").fetchall()
    return rows[0] if rows else None


def _rebuilt_whole_tonight(connection: duckdb.DuckDBPyConnection, name: str, declared: Refresh,
                           run_id: str) -> str | None:
    """A mart this one reads row by row, rebuilt whole by this run: its untouched rows may have changed too."""
    narrowed = sorted(_marts_read(name) - set(declared.reads_whole))
    rows = connection.execute("select mart from meta.mart_builds where run_id = ? and built_whole "
                              "and list_contains(?, mart) order by mart", [run_id, narrowed]).fetchall()
    return rows[0][0] if rows else None


def _touched_keys(connection: duckdb.DuckDBPyConnection, name: str, declared: Refresh, snapshot: tuple,
                  run_id: str) -> _Plan | str:
    """Write the keys this night touches into ``mart_scope.main.keys``; a plan, or why the mart is built whole."""
    _find_changes(connection, snapshot[0], run_id)
    as_of = scalar(connection, "select (max(responded_at) at time zone 'UTC')::date from core.feedback_loaded")
    _reset_scope(connection)
    if declared.by == "account_id":
        connection.execute(f"create table {_SCOPE}.main.keys as select account_id as key from mart_touched_accounts")
        if declared.window_days and as_of != snapshot[1]:
            if as_of is None or snapshot[1] is None:
                return "the warehouse had no responses at its last build"
            run_sql(connection, "sql/find_window_accounts.sql",
                    {"window_days": declared.window_days, "previous_as_of": snapshot[1], "as_of": as_of})
            connection.execute(f"insert into {_SCOPE}.main.keys select account_id from mart_window_accounts "
                               f"except select key from {_SCOPE}.main.keys")
        n_keys = scalar(connection, "select count(*) from core.accounts")
    else:
        connection.execute(f"create table {_SCOPE}.main.keys as select distinct "
                           f"date_trunc({_quoted_unit(declared.by)}, month)::date as key from mart_touched_months")
        n_keys = scalar(connection, f"select count(*) from (select {quote(declared.by)} from marts.{quote(name)} "
                                    f"union select key from {_SCOPE}.main.keys)")
    n_refreshed = scalar(connection, f"select count(*) from {_SCOPE}.main.keys")
    if n_refreshed > REFRESH_SHARE * max(n_keys, 1):
        return f"{n_refreshed:,} of {n_keys:,} {_NOUNS[declared.by]} touched"
    if scalar(connection, f"select count(*) from marts.{quote(name)} where {quote(declared.by)} is null"):
        return f"it has rows without a {declared.by}"
    return _Plan(n_refreshed, n_keys, as_of)


def _quoted_unit(key: str) -> str:
    return "'month'" if key == "month" else "'quarter'"


def _find_changes(connection: duckdb.DuckDBPyConnection, snapshot_id: str, run_id: str) -> None:
    """The touched accounts and months since the snapshot, found once per run (every mart of a night reads them)."""
    found = "mart_changes_found"
    if _has_temp_table(connection, found) and connection.execute(
            f"select count(*) from {found} where snapshot_id = ? and run_id = ?", [snapshot_id, run_id]).fetchall()[0][0]:
        return
    run_sql(connection, "sql/find_mart_changes.sql")
    connection.execute(f"create or replace temp table {found} as select ?::varchar as snapshot_id, ?::varchar as run_id",
                       [snapshot_id, run_id])


def _has_temp_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    return scalar(connection, "select count(*) from duckdb_tables() where database_name = 'temp' and table_name = ?",
                  [name]) > 0


def _reset_scope(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"detach database if exists {_SCOPE}")
    connection.execute(f"attach ':memory:' as {_SCOPE}")
    for schema in ("core", "marts"):
        connection.execute(f"create schema {_SCOPE}.{schema}")


def _build_narrowed(connection: duckdb.DuckDBPyConnection, name: str, declared: Refresh,
                    settings: MartSettings) -> None:
    """Run the mart's SQL on core narrowed to the touched keys, into ``mart_scope.main.fresh``."""
    pipeline = quote(scalar(connection, "select current_database()"))
    for statement in _narrowed_views(name, declared, pipeline):
        connection.execute(statement)
    sql = mart_sql(name)
    params = {k: v for k, v in vars(settings).items() if f"${k}" in sql}
    connection.execute(f"use {_SCOPE}")
    try:
        connection.execute(f"create table {_SCOPE}.main.fresh as {sql}", params or None)
    finally:
        connection.execute(f"use {pipeline}")


def _narrowed_views(name: str, declared: Refresh, pipeline: str) -> list[str]:
    """The statements that give the narrowed catalog every table the mart reads, under the same names."""
    keys = f"(select key from {_SCOPE}.main.keys)"
    if declared.by == "account_id":
        mentions = f"{_SCOPE}.main.mentions"
        loaded = f"{pipeline}.core.feedback_loaded"
        statements = [f"create table {mentions} as select mention_key, account_id from {pipeline}.core.account_mentions "
                      f"where account_id in {keys}",
                      f"create view {_SCOPE}.core.feedback as {feedback_select_sql(loaded, mentions, 'join')}",
                      f"create view {_SCOPE}.core.accounts as select * from {pipeline}.core.accounts "
                      f"where account_id in {keys}",
                      f"create view {_SCOPE}.core.feedback_loaded as select * from {loaded}"]
    else:
        loaded = f"(select * from {pipeline}.core.feedback_loaded where {_RESPONSE_KEY[declared.by]} in {keys})"
        statements = [f"create view {_SCOPE}.core.feedback as "
                      f"{feedback_select_sql(loaded, f'{pipeline}.core.account_mentions')}"]
    statements += [
        f"create table {_SCOPE}.main.responses as select feedback_id from {_SCOPE}.core.feedback",
        f"create view {_SCOPE}.core.feedback_scores as select * from {pipeline}.core.feedback_scores "
        f"where feedback_id in (select feedback_id from {_SCOPE}.main.responses)",
    ]
    for mart in sorted(_marts_read(name)):
        narrowed = "" if mart in declared.reads_whole else f" where {quote(declared.by)} in {keys}"
        statements.append(f"create view {_SCOPE}.marts.{quote(mart)} as "
                          f"select * from {pipeline}.marts.{quote(mart)}{narrowed}")
    return statements


def _replace_touched_rows(connection: duckdb.DuckDBPyConnection, name: str, declared: Refresh,
                          plan: _Plan) -> MartBuilt:
    table, key = f"marts.{quote(name)}", quote(declared.by)
    connection.execute(f"delete from {table} where {key} in (select key from {_SCOPE}.main.keys)")
    connection.execute(f"insert into {table} by name select * from {_SCOPE}.main.fresh")
    if declared.window_days:  # every row's as-of date is the warehouse's
        connection.execute(f"update {table} set as_of_date = ? where as_of_date is distinct from ?",
                           [plan.as_of, plan.as_of])
    return MartBuilt(scalar(connection, f"select count(*) from {table}"), None, _NOUNS[declared.by],
                     plan.n_refreshed, plan.n_keys)


def _record(connection: duckdb.DuckDBPyConnection, name: str, declared: Refresh | None, settings: MartSettings,
            run_id: str, built: MartBuilt) -> None:
    """Note how the mart was built; once every mart was built by this run, take the marts' snapshot."""
    insert_rows(connection, "meta.mart_builds", [{
        "mart": name, "definition_hash": _definition_hash(name, settings),
        "whole_reads_hash": _whole_reads_hash(connection, declared), "run_id": run_id,
        "built_whole": built.whole_because is not None, "share_refreshed": built.share}],
        stamped="built_at", replace=True)
    names = mart_names()
    if scalar(connection, "select count(*) from meta.mart_builds where run_id = ? and list_contains(?, mart)",
              [run_id, names]) == len(names):
        run_sql(connection, "sql/take_mart_snapshot.sql", {"run_id": run_id})
