"""Publishing a night's changes into a copy of the published file gives what a full rewrite gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from samples import generate_silos
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.publish import _attached, _write_all, publish, published_copies

from conftest import query, silobridge, write_seed_specs

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)


def _run(home: Home, *extra: str) -> str:
    result = silobridge("run", "--home", str(home.root), *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return next(line for line in result.stdout.splitlines() if "published_warehouse" in line)


def _land_new_files(home: Home, scratch: Path, rows: int, seed: int) -> None:
    """A night's new exports: generated with another seed, landed under names not seen before."""
    generate_silos(scratch / "landing", rows=rows, seed=seed)
    for path in (scratch / "landing").rglob("*.*"):
        target = home.landing / path.relative_to(scratch / "landing")
        shutil.move(path, target.with_name(f"night{seed}_{target.name}"))


def _contents(database: Path) -> dict[str, tuple[list[tuple], list[tuple]]]:
    """Every table of the file: its rows in order, and its comments."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        tables = [f"{schema}.{name}" for schema, name in connection.execute(
            "select schema_name, table_name from duckdb_tables() order by all").fetchall()]
        return {table: (connection.execute(f"select * from {table} order by all").fetchall(),
                        connection.execute(
                            "select t.comment, list(c.column_name || ': ' || coalesce(c.comment, '') order by c.column_index) "
                            "from duckdb_tables() t join duckdb_columns() c using (schema_name, table_name) "
                            "where t.schema_name || '.' || t.table_name = ? group by t.comment", [table]).fetchall())
                for table in tables}
    finally:
        connection.close()


def _rewritten_from_scratch(home: Home, tmp_path: Path) -> Path:
    """The published file a full rewrite makes from the same pipeline database."""
    patched = tmp_path / "patched.duckdb"
    shutil.move(home.warehouse_db, patched)
    with pipeline_connection(home) as connection:
        assert publish(connection, home, "rewrite-check").rewritten
    return patched


def test_a_small_night_patches_the_published_file_to_what_a_rewrite_gives(home: Home, tmp_path: Path) -> None:
    write_seed_specs(home, max_reject_rate=0.5)  # a small night's generated mess is more than 5% of it
    generate_silos(home.landing, rows=3000, seed=7)
    assert "(rewritten)" in _run(home)  # nothing published yet
    _land_new_files(home, tmp_path / "night", rows=100, seed=8)
    replaced = sorted((home.landing / "service").glob("followup_*.csv"))[0]  # a file re-exported with edits
    lines = replaced.read_text(encoding="utf-8").splitlines(keepends=True)
    replaced.write_text("".join(lines[:1] + [line.replace(",4,", ",5,", 1) for line in lines[1:40]] + lines[40:]),
                        encoding="utf-8")
    some_account, other_account = [row[0] for row in query(
        home.warehouse_db, "select account_id from core.accounts where n_responses between 3 and 20 "
                           "order by account_id limit 2")]
    home.accounts.mkdir(parents=True, exist_ok=True)  # a steward merges two accounts: their responses move
    (home.accounts / "overrides.yaml").write_text(
        f"merge:\n  - [{{account_id: {some_account}}}, {{account_id: {other_account}}}]\n", encoding="utf-8")

    line = _run(home)

    assert "(updated:" in line, line
    written = int(line.split("updated: ")[1].split(" ")[0].replace(",", ""))
    total = query(home.warehouse_db, "select count(*) from core.feedback")[0][0]
    moved = query(home.warehouse_db, f"select count(*) from core.feedback where account_id = '{some_account}'")[0][0]
    assert moved <= written < total / 2  # the new, re-exported and moved responses, not every response
    patched = _rewritten_from_scratch(home, tmp_path)
    assert _contents(patched) == _contents(home.warehouse_db)


def _damage(database: Path, damage: str | bytes) -> None:
    if isinstance(damage, bytes):
        database.write_bytes(damage)
    else:
        published = duckdb.connect(str(database))
        published.execute(damage)
        published.close()


def _publish_after(home: Home, damage: str | bytes) -> bool:
    """Damage both copies of the published file (SQL run on them, or bytes written over them), as an older
    silobridge or a careless hand would leave them, publish; whether it was rewritten."""
    for copy in published_copies(home):
        _damage(copy, damage)
    with pipeline_connection(home) as pipeline:
        return publish(pipeline, home, "after-damage").rewritten


def test_a_file_unlike_the_schema_differing_in_most_responses_or_unreadable_is_rewritten(home: Home) -> None:
    write_seed_specs(home, max_reject_rate=0.5)
    generate_silos(home.landing, rows=500, seed=7)
    _run(home)
    assert _publish_after(home, "alter table core.feedback drop column comment")  # an older silobridge's file
    assert query(home.warehouse_db, "select count(comment) > 0 from core.feedback") == [(True,)]
    assert _publish_after(home, "update core.feedback set run_id = 'an-older-run'")  # as after a full refresh
    assert query(home.warehouse_db, "select count(*) from core.feedback where run_id = 'an-older-run'") == [(0,)]
    assert _publish_after(home, "create table core.feedback_by_hand as select 1 as n")  # nothing outlives a patch
    assert query(home.warehouse_db, "select count(*) from duckdb_tables() where table_name = 'feedback_by_hand'") == [(0,)]
    assert _publish_after(home, b"not a database")
    assert query(home.warehouse_db, "select count(*) > 0 from core.feedback") == [(True,)]
    assert not _publish_after(home, "select 1")  # and an intact one is patched


def test_rows_changed_by_hand_in_the_published_file_are_gone_after_the_next_publish(home: Home) -> None:
    """Only the published copy is changed: the older copy, untouched since it was written, is patched and
    swapped in, and the changed one is not trusted when its turn comes (its size or time changed)."""
    write_seed_specs(home, max_reject_rate=0.5)
    generate_silos(home.landing, rows=500, seed=7)
    _run(home)
    _damage(home.warehouse_db, "update core.feedback set run_id = 'by-hand'")
    with pipeline_connection(home) as pipeline:
        assert publish(pipeline, home, "after-hand").how == "patched the copy of two publishes ago"
    assert query(home.warehouse_db, "select count(*) from core.feedback where run_id = 'by-hand'") == [(0,)]
    with pipeline_connection(home) as pipeline:
        published = publish(pipeline, home, "next")
    assert published.how.startswith("the older copy changed since it was written"), published.how
    assert query(home.warehouse_db, "select count(*) from core.feedback where run_id = 'by-hand'") == [(0,)]


def _rewrite_into(home: Home, path: Path) -> Path:
    """What a write from scratch makes of the pipeline database, in a file of its own (the home's copies and
    their record are left alone, so the next run still patches)."""
    with pipeline_connection(home) as connection, _attached(connection, path):
        _write_all(connection)
    return path


def _how(line: str) -> str:
    """The way the run's progress line says the file was written."""
    said = line.rsplit(" (", 1)[1].removesuffix(")")
    return said.split("; ", 1)[1] if "; " in said else said


def _night(home: Home, scratch: Path, seed: int) -> str:
    _land_new_files(home, scratch / f"night{seed}", rows=100, seed=seed)
    return _run(home)


def _delete_responses_as_a_full_refresh_would(home: Home, n: int) -> None:
    """Responses whose new version a corrected spec rejects leave core (and nothing replaces them)."""
    connection = duckdb.connect(str(home.pipeline_db))
    try:
        gone = [r[0] for r in connection.execute(
            "select feedback_id from core.feedback_loaded order by feedback_id limit ?", [n]).fetchall()]
        connection.execute("delete from core.feedback_scores where list_contains(?, feedback_id)", [gone])
        connection.execute("delete from core.feedback_loaded where list_contains(?, feedback_id)", [gone])
    finally:
        connection.close()


def test_the_copy_of_two_publishes_ago_is_patched_from_the_record_to_what_a_rewrite_gives(
        home: Home, tmp_path: Path) -> None:
    write_seed_specs(home, max_reject_rate=0.5)
    generate_silos(home.landing, rows=2000, seed=7)
    assert "(rewritten)" in _run(home)
    # The full run left the other copy ready: the very first night patches from the record.
    assert _how(_night(home, tmp_path, seed=8)) == "patched the copy of two publishes ago"
    first, second = published_copies(home)
    assert home.warehouse_db.stat().st_ino in (first.stat().st_ino, second.stat().st_ino)

    some_account, other_account = [row[0] for row in query(
        home.warehouse_db, "select account_id from core.accounts where n_responses between 3 and 20 "
                           "order by account_id limit 2")]
    home.accounts.mkdir(parents=True, exist_ok=True)  # mentions move to another account: only their rows change
    (home.accounts / "overrides.yaml").write_text(
        f"merge:\n  - [{{account_id: {some_account}}}, {{account_id: {other_account}}}]\n", encoding="utf-8")
    replaced = sorted((home.landing / "service").glob("followup_*.csv"))[0]  # a re-exported response
    lines = replaced.read_text(encoding="utf-8").splitlines(keepends=True)
    replaced.write_text("".join(lines[:1] + [lines[1].replace(",4,", ",5,", 1).replace(",3,", ",4,", 1)] + lines[2:]),
                        encoding="utf-8")
    line = _night(home, tmp_path, seed=9)
    assert _how(line) == "patched the copy of two publishes ago", line
    assert _contents(home.warehouse_db) == _contents(_rewrite_into(home, tmp_path / "rewrite9.duckdb"))

    _delete_responses_as_a_full_refresh_would(home, 5)
    line = _night(home, tmp_path, seed=10)
    assert _how(line) == "patched the copy of two publishes ago", line
    assert query(home.warehouse_db, "select count(*) from core.feedback")[0][0] == \
        query(home.pipeline_db, "select count(*) from core.feedback_loaded")[0][0]
    assert _contents(home.warehouse_db) == _contents(_rewrite_into(home, tmp_path / "rewrite10.duckdb"))
    # A patched file is whole though a checkpoint truncated its free blocks: the next quiet night stops early.
    assert "nothing new" in silobridge("run", "--home", str(home.root)).stdout


def test_a_copy_a_reader_still_holds_is_left_to_it_and_made_afresh(home: Home, tmp_path: Path) -> None:
    """DuckDB refuses to open for writing a file another process holds read-only (it locks the inode): the
    publish unlinks that copy, the reader keeps its snapshot, and the new copy is made from the published file."""
    write_seed_specs(home, max_reject_rate=0.5)
    generate_silos(home.landing, rows=3000, seed=7)  # two nights of 100 stay under REWRITE_SHARE
    _run(home)
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, duckdb
        connection = duckdb.connect(sys.argv[1], read_only=True)
        count = "select count(*) from core.feedback"
        print(connection.execute(count).fetchall()[0][0], flush=True)
        sys.stdin.readline()
        print(connection.execute(count).fetchall()[0][0], flush=True)
    """), str(home.warehouse_db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        before = int(reader.stdout.readline())
        _night(home, tmp_path, seed=8)  # writes the other copy
        line = _night(home, tmp_path, seed=9)  # the copy the reader holds is the older one now
        assert "the older copy is open in another process: copied the published file, patched from its record" \
            in line, line
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == before
    finally:
        reader.kill()
        reader.wait()
    assert _contents(home.warehouse_db) == _contents(_rewrite_into(home, tmp_path / "rewrite.duckdb"))
    assert _how(_night(home, tmp_path, seed=10)) == "patched the copy of two publishes ago"


def test_a_publish_killed_while_writing_the_older_copy_leaves_it_unknown_and_it_is_made_afresh(
        home: Home, tmp_path: Path) -> None:
    write_seed_specs(home, max_reject_rate=0.5)
    generate_silos(home.landing, rows=1000, seed=7)
    _run(home)
    _night(home, tmp_path, seed=8)
    older = next(copy for copy in published_copies(home) if copy.stat().st_ino != home.warehouse_db.stat().st_ino)
    # What a kill leaves: the copy's record forgotten first (committed), the copy half written, its log behind.
    connection = duckdb.connect(str(home.pipeline_db))
    connection.execute("delete from meta.published_copies where file_name = ?", [older.name])
    connection.close()
    with older.open("r+b") as handle:
        handle.seek(older.stat().st_size // 2)
        handle.write(b"\0" * 65536)
    older.with_name(older.name + ".wal").write_bytes(b"a log a killed writer left")
    line = _night(home, tmp_path, seed=9)
    assert "the older copy changed since it was written, or was never recorded" in line, line
    assert _contents(home.warehouse_db) == _contents(_rewrite_into(home, tmp_path / "rewrite.duckdb"))
