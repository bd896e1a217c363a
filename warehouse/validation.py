"""Validation with Great Expectations: GX decides which staged rows break which rule.

Each source gets a suite generated from its rules (:mod:`warehouse.row_rules`). The staged rows' validation
columns are validated in chunks of at most ``ROWS_PER_CHUNK`` rows, each a pandas batch run through the same
validation definition with ``COMPLETE`` results, whose ``unexpected_index_list`` names every failing row of the
chunk (only the lists of values are capped, the index lists are not); memory stays bounded whatever the
source's size. The failures become
the temp table ``staging_errors_<source>`` (file_id, source_row, rule, detail) that core's merge quarantines by, and a
summary per rule lands in ``meta.validations``. GX's Data Docs are written on request, once per run
(:func:`build_data_docs`), as rendering them re-renders every result of the run.

GX is imported on first use: it costs seconds of start-up that commands which do not validate should
not pay. A run that knows it will validate starts that import early, in the background
(:func:`start_importing_gx`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from schemas.spec import SourceSpec
from schemas.sql_names import quote

from warehouse.db import insert_rows
from warehouse.row_rules import FUTURE_TOLERANCE_DAYS, RowRule, row_rules
from warehouse.staging import staging_table

__all__ = ["RuleResult", "ValidationReport", "validate_staging", "build_data_docs", "errors_table", "has_validation",
           "start_importing_gx"]

# Staged rows handed to GX at a time, in DuckDB vectors of 2,048 rows: 64 vectors (131,072 rows). GX works on
# copies of each pandas frame, so the chunk sets validation's memory: at 5M responses, 64 vectors keep the largest
# source's peak about 400 MiB below 256 vectors, and validate faster. Smaller chunks would multiply the GX results
# the Data Docs render.
VECTORS_PER_CHUNK = 64


@dataclass(frozen=True)
class RuleResult:
    rule: str
    column: str
    expectation: str
    n_failed: int


@dataclass(frozen=True)
class ValidationReport:
    source: str
    n_rows: int
    n_rows_failing: int
    rules: list[RuleResult]
    data_docs: Path | None

    def failures_by_rule(self) -> dict[str, int]:
        """Failing rows per rule name (a rule may check several columns, e.g. each score's scale)."""
        totals: dict[str, int] = {}
        for result in self.rules:
            totals[result.rule] = totals.get(result.rule, 0) + result.n_failed
        return {rule: n for rule, n in totals.items() if n}


def errors_table(spec: SourceSpec) -> str:
    return quote(f"staging_errors_{spec.name}")


def has_validation(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> bool:
    rows = connection.execute("select count(*) from duckdb_tables() where temporary and table_name = ?",
                              [f"staging_errors_{spec.name}"]).fetchall()
    return bool(rows[0][0])


def start_importing_gx() -> threading.Thread:
    """Import GX in a daemon thread, so that its seconds of import overlap with work done meanwhile.

    Call it only when validation will follow. The validator's own ``import`` then waits for this one (Python's
    import lock) or finds GX loaded; when this import fails, that ``import`` runs it again and raises the error
    where validation reports it. Importing GX and its dependencies registers no signal handler, which only the
    main thread may do.
    """
    thread = threading.Thread(target=_import_gx, name="silobridge-import-gx", daemon=True)
    thread.start()
    return thread


def _import_gx() -> None:
    try:
        import great_expectations.expectations  # noqa: F401 -- and great_expectations, its package
    except BaseException:  # noqa: BLE001 -- raised again, and reported, by the import in _Validator
        pass


class _Validator:
    """One GX context per process, so that the Data Docs of a run list every source it validated."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        for site in list(self.context.get_site_names()):
            self.context.delete_data_docs_site(site)  # the ephemeral default writes to a random folder
        self.datasource = self.context.data_sources.add_pandas("staging")
        self.sites: dict[Path, str] = {}

    def definition(self, spec: SourceSpec, rules: list[RowRule]) -> Any:
        """The source's validation definition, its suite generated afresh from the rules."""
        import great_expectations.expectations as gxe

        expectations = [getattr(gxe, rule.expectation)(**_resolved(rule.kwargs), meta={"rule_index": i})
                        for i, rule in enumerate(rules)]
        for store in (self.context.validation_definitions, self.context.suites):
            if any(item.name == spec.name for item in store.all()):
                store.delete(spec.name)
        suite = self.context.suites.add(self.gx.ExpectationSuite(name=spec.name, expectations=expectations))
        asset = next((a for a in self.datasource.assets if a.name == spec.name), None) \
            or self.datasource.add_dataframe_asset(spec.name)
        batch = next((b for b in asset.batch_definitions if b.name == "staged_rows"), None) \
            or asset.add_batch_definition_whole_dataframe("staged_rows")
        return self.context.validation_definitions.add(
            self.gx.ValidationDefinition(name=spec.name, data=batch, suite=suite))

    @staticmethod
    def validate(definition: Any, frame: Any) -> Any:
        # Results keep the failing rows' positions but none of their values: the Data Docs render every value a
        # result holds, respondents' e-mail addresses and any markup an export carries included.
        return definition.run(batch_parameters={"dataframe": frame},
                              result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False,
                                             "exclude_unexpected_values": True})

    def build_docs(self, folder: Path) -> Path:
        if folder not in self.sites:
            name = f"silobridge_{len(self.sites)}"
            self.context.add_data_docs_site(site_name=name, site_config={
                "class_name": "SiteBuilder", "show_how_to_buttons": False,
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)}})
            self.sites[folder] = name
        self.context.build_data_docs(site_names=[self.sites[folder]])
        return folder / "index.html"


_validator: _Validator | None = None


def _get_validator() -> _Validator:
    global _validator
    if _validator is None:
        _validator = _Validator()
    return _validator


def _resolved(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Fill in values known only when validating ("now": the end of the plausible window of responded_at)."""
    if kwargs.get("max_value") == "now":
        latest = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=FUTURE_TOLERANCE_DAYS)
        return {**kwargs, "max_value": latest.isoformat()}
    return kwargs


def _failures(result: Any, rules: list[RowRule]) -> list[tuple[int, list[int]]]:
    """(rule index, failing row positions) for every expectation that failed.

    An expectation that failed without naming each failing row would quarantine nothing: that is an error.
    """
    failures = []
    for outcome in result.results:
        index = outcome.expectation_config.meta["rule_index"]
        raised = _raised(outcome.exception_info)
        if raised is not None:
            raise RuntimeError(f"validation rule {rules[index].name} could not run: {raised.get('exception_message')}")
        if not outcome.success:
            positions = list(outcome.result.get("unexpected_index_list") or [])
            if len(positions) != outcome.result.get("unexpected_count"):
                raise RuntimeError(f"validation rule {rules[index].name} failed without naming its failing rows "
                                   f"({outcome.result.get('unexpected_count')} failing, {len(positions)} named)")
            failures.append((index, positions))
    return failures


def _raised(exception_info: dict[str, Any] | None) -> dict[str, Any] | None:
    """GX's account of an error: at the top, or under each metric it could not compute (the usual place)."""
    if not exception_info:
        return None
    if exception_info.get("raised_exception"):
        return exception_info
    return next((info for info in exception_info.values() if isinstance(info, dict) and info.get("raised_exception")),
                None)


def _error_rows(frame: Any, rules: list[RowRule], failures: list[tuple[int, list[int]]]) -> pa.Table:
    """One row per failing row and rule: position, rule, its order, and a detail naming column and value."""
    if not failures:  # no pandas needed
        return _no_errors()
    import pandas as pd

    parts = []
    for index, positions in failures:
        rule = rules[index]
        if rule.shows is None:
            detail = pd.Series(f"column '{rule.column}': {rule.expected}", index=range(len(positions)))
        else:
            values = frame[rule.shows].iloc[positions].astype("string").fillna("").str.slice(0, 200)
            detail = f"column '{rule.column}': value '" + values.reset_index(drop=True) + f"', {rule.expected}"
        parts.append(pd.DataFrame({"file_id": frame["file_id"].iloc[positions].to_numpy(),
                                   "source_row": frame["source_row"].iloc[positions].to_numpy(), "rule": rule.name,
                                   "rule_order": index, "detail": detail.to_numpy(dtype=object)}))
    return pa.Table.from_pandas(pd.concat(parts, ignore_index=True), preserve_index=False)


def _no_errors() -> pa.Table:
    return pa.table({"file_id": pa.array([], pa.string()), "source_row": pa.array([], pa.int64()),
                     "rule": pa.array([], pa.string()),
                     "rule_order": pa.array([], pa.int64()), "detail": pa.array([], pa.string())})


def _store_errors(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, errors: pa.Table) -> None:
    connection.register("validation_errors", errors)
    try:
        connection.execute(f"create or replace temp table {errors_table(spec)} as "
                           "select file_id::varchar as file_id, source_row::bigint as source_row, "
                           "rule::varchar as rule, rule_order::bigint as rule_order, "
                           "detail::varchar as detail from validation_errors")
    finally:
        connection.unregister("validation_errors")


def _record(connection: duckdb.DuckDBPyConnection, run_id: str, report: ValidationReport) -> None:
    connection.execute("delete from meta.validations where run_id = ? and source = ?", [run_id, report.source])
    insert_rows(connection, "meta.validations", [
        {"run_id": run_id, "source": report.source, "rule": r.rule, "expectation": r.expectation, "column": r.column,
         "n_rows": report.n_rows, "n_failed": r.n_failed, "n_rows_failing": report.n_rows_failing}
        for r in report.rules], stamped="validated_at")


def _frames(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> Iterator[Any]:
    """The staged validation columns as pandas frames of ``VECTORS_PER_CHUNK`` vectors each (the last: the rest).

    Read as Arrow and converted by pyarrow: several times cheaper than DuckDB's ``fetch_df_chunk``, same dtypes.
    The query stays open while the caller works on a frame: run no other statement on the connection meanwhile.
    """
    staged = connection.sql(f"select * from {staging_table(spec)} limit 0").columns
    columns = ["file_id", "source_row", "responded_at", *(c for c in staged if c.startswith("_v_"))]
    rows = VECTORS_PER_CHUNK * 2048
    staged_rows = connection.sql(f"select {', '.join(map(quote, columns))} from {staging_table(spec)}")
    for chunk in _chunks(staged_rows.to_arrow_reader(rows), rows):
        yield chunk.to_pandas()  # indexed 0..n-1: GX's unexpected_index_list holds positions in this frame


def _chunks(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """The batches regrouped, without copying them, into tables of ``rows`` rows (the last may be shorter)."""
    pending: pa.Table | None = None
    for batch in batches:
        pending = pa.Table.from_batches([batch]) if pending is None else \
            pa.concat_tables([pending, pa.Table.from_batches([batch])])
        while pending.num_rows >= rows:
            yield pending.slice(0, rows)
            pending = pending.slice(rows)
    if pending is not None and pending.num_rows:
        yield pending


def _validate_chunks(connection: duckdb.DuckDBPyConnection, spec: SourceSpec,
                     rules: list[RowRule]) -> tuple[pa.Table, dict[int, int]]:
    """Every staged row through GX, chunk by chunk: the error rows and the number of failing rows per rule."""
    definition = _get_validator().definition(spec, rules)
    parts, n_failed = [], {}
    for frame in _frames(connection, spec):
        failures = _failures(_Validator.validate(definition, frame), rules)
        parts.append(_error_rows(frame, rules, failures))
        for index, positions in failures:
            n_failed[index] = n_failed.get(index, 0) + len(positions)
    return pa.concat_tables([_no_errors(), *parts], promote_options="permissive"), n_failed


def build_data_docs(folder: Path) -> Path | None:
    """Write the Data Docs of everything validated in this process to ``folder``; None when nothing was."""
    return _validator.build_docs(folder) if _validator is not None else None


def validate_staging(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, run_id: str,
                     data_docs: Path | None = None) -> ValidationReport:
    """Validate the source's staged rows with GX; record failing rows and a summary per rule.

    With ``data_docs``, the Data Docs are written there too; a run of several sources writes them once at its
    end with :func:`build_data_docs` instead.
    """
    rules = row_rules(spec)
    staged = connection.execute(f"select count(*) from {staging_table(spec)}").fetchall()[0][0]
    errors, n_failed = _no_errors(), {}
    if staged:  # no rows: neither pandas nor GX is imported
        errors, n_failed = _validate_chunks(connection, spec, rules)
    docs = build_data_docs(data_docs) if data_docs and staged else None
    _store_errors(connection, spec, errors)
    report = ValidationReport(
        source=spec.name, n_rows=staged,
        n_rows_failing=errors.select(["file_id", "source_row"]).group_by(["file_id", "source_row"]).aggregate([]).num_rows,
        rules=[RuleResult(r.name, r.column, r.expectation, n_failed.get(i, 0)) for i, r in enumerate(rules)],
        data_docs=docs)
    _record(connection, run_id, report)
    return report
