"""The usual hand-written script: pandas reads each file, transforms it, and the result goes to DuckDB.

    python benchmarks/peers/pandas_script.py LANDING OUT.duckdb

``pd.read_csv`` / ``pd.read_json(lines=True)`` / ``pd.read_excel`` (python-calamine when installed,
else openpyxl) per file, every value as text; columns renamed to the unified ones, timestamps and
scores typed with ``pd.to_datetime`` / ``pd.to_numeric``, the same basic checks as the other peers
(``_unify.py``), one row per response id, one DataFrame concatenated and written to DuckDB with
``CREATE TABLE ... AS SELECT * FROM df``. Prints ``{"rows": N}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd

from _unify import EMAIL_PATTERN, SCORE_METRICS, SOURCES, UNIFIED_COLUMNS, Source

FUTURE_TOLERANCE = pd.Timedelta(days=1)


def excel_engine() -> str:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "calamine"


def read(source: Source, path: Path) -> pd.DataFrame:
    if source.format == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)  # "n/a" is a broken score, not a missing one
    if source.format == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_excel(path, dtype=str, keep_default_na=False, engine=excel_engine())


def text(column: pd.Series) -> pd.Series:
    stripped = column.astype("string").str.strip()
    return stripped.mask(stripped == "")


def responded_at(source: Source, value: pd.Series) -> pd.Series:
    if source.timestamp == "offset":
        return pd.to_datetime(value, utc=True, format="ISO8601", errors="coerce")
    if source.timestamp == "local":
        local = pd.to_datetime(value, format="ISO8601", errors="coerce")
    else:
        local = pd.to_datetime(value, format=source.timestamp, errors="coerce")
    return local.dt.tz_localize(source.timezone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")


def topic(source: Source, column: pd.Series) -> pd.Series:
    if source.topic_separator:
        return text(text(column).str.split(source.topic_separator).str[0])
    if source.format == "jsonl":
        return column.map(lambda v: v[0] if isinstance(v, list) and v else None).astype("string")
    return text(column)


def unify(source: Source, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    out = pd.DataFrame({
        "source": source.name,
        "department": source.department,
        "survey": source.survey,
        "source_response_id": text(frame[source.id]),
        "account_name_raw": text(frame[source.account_name]),
        "email": text(frame[source.email]).str.lower() if source.email else None,
        "crm_id": text(frame[source.crm_id]) if source.crm_id else None,
        "responded_at": responded_at(source, text(frame[source.responded_at])),
        "topic": topic(source, frame[source.topic]),
        "comment": text(frame[source.comment]),
        "source_file": str(path),
    }, index=frame.index)
    keep = out["source_response_id"].notna() & out["responded_at"].notna()
    keep &= out["responded_at"] <= pd.Timestamp.now(tz="UTC") + FUTURE_TOLERANCE
    for metric in SCORE_METRICS:
        out[metric] = float("nan")
    for score in source.scores:
        raw = text(frame[score.column])
        number = pd.to_numeric(raw, errors="coerce")
        out[score.metric] = number
        keep &= raw.isna() | number.between(score.low, score.high)
    if source.email:
        keep &= out["email"].isna() | text(frame[source.email]).str.fullmatch(EMAIL_PATTERN[1:-1]).fillna(False)
    return out[keep]


def main(landing: Path, database: Path) -> int:
    frames = []
    for source in SOURCES:
        parts = [unify(source, read(source, path), path)
                 for path in sorted((landing / source.folder).glob(source.pattern))]
        rows = pd.concat(parts, ignore_index=True)
        rows = rows.sort_values("source_file").drop_duplicates("source_response_id", keep="last")
        frames.append(rows)
    unified = pd.concat(frames, ignore_index=True)[list(UNIFIED_COLUMNS)]  # noqa: F841 (read by DuckDB's replacement scan below)
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table unified as select * from unified")
        rows = connection.execute("select count(*) from unified").fetchone()[0]
    print(json.dumps({"rows": rows}))
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]).absolute(), Path(sys.argv[2]))
