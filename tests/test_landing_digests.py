"""Spotting new landing files reads only the files written since they were last hashed."""

from __future__ import annotations

import os
import time

from warehouse import raw
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.raw import file_digest, landing_files, unseen_files
from warehouse.sources import load_sources

from conftest import write_seed_landing


def _unseen(home: Home) -> dict[str, str]:
    spec = next(s for s in load_sources(home) if s.name == "service_followup")
    files = [(path, path.relative_to(home.root).as_posix()) for path in landing_files(home, spec)]
    with pipeline_connection(home) as connection:
        return {name: file_id for _, name, file_id in unseen_files(connection, spec, files)}


def _cached(home: Home) -> list[str]:
    with pipeline_connection(home) as connection:
        return [row[0] for row in connection.execute(
            "select source_file from meta.landing_digests where source_file like 'landing/service/%'").fetchall()]


def test_an_unchanged_file_keeps_its_hash_and_a_rewritten_one_is_read_again(home: Home) -> None:
    write_seed_landing(home)
    path = home.landing / "service" / "followup_2024-03.csv"
    name = path.relative_to(home.root).as_posix()
    assert _unseen(home) == {name: file_digest(path)}
    assert _cached(home) == []  # written a moment ago: it could be rewritten within the same clock tick
    time.sleep(raw._RACY_NS / 1e9 + 0.2)
    assert _unseen(home) == {name: file_digest(path)} and _cached(home) == [name]

    with pipeline_connection(home) as connection:  # stands for "hashed before": only the cache could say so
        connection.execute("update meta.landing_digests set file_id = 'hashed-before' where source_file = ?", [name])
    assert _unseen(home) == {name: "hashed-before"}  # not read again

    before = path.stat()
    content = path.read_bytes()
    path.write_bytes(content.replace(b"ZD-2,", b"ZD-7,"))  # same size, other content
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old modification time
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert _unseen(home) == {name: file_digest(path)} != {name: "hashed-before"}
