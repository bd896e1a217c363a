"""Assets: per source a raw and a staging asset (generated from its spec), then core, marts, publish.

A new source spec appears here with no code change; a new ``warehouse/marts/*.sql`` file becomes a mart
asset the same way.
"""

import logging
import re
from pathlib import Path

import dagster as dg

from schemas.spec import SourceSpec, SpecError
from warehouse.accounts import Overrides, build_accounts
from warehouse.core import merge_source
from warehouse.fingerprint import already_published, record_publish
from warehouse.marts import mart_dependencies, mart_names
from warehouse.marts.refresh import refresh_mart
from warehouse.privacy import pii_salt
from warehouse.publish import publish
from warehouse.raw import land_source, prune_raw, with_added_columns
from warehouse.report import write_report
from warehouse.staging import build_staging
from warehouse.validation import build_data_docs, validate_staging

from pipelines.resources import WarehouseResource
from pipelines.retries import TRANSIENT_IO_RETRY, retry_only_transient

__all__ = ["source_assets", "spec_error_assets", "core_assets", "mart_assets", "publish_asset", "all_assets",
           "SPEC_ERROR_PREFIX", "progress"]

DUCKDB = {"duckdb"}

# The command line prints these lines as the run goes; Dagster keeps them in its event log too.
progress = logging.getLogger("silobridge.progress")


def _report(context: dg.AssetExecutionContext, message: str) -> None:
    context.log.info(message)
    progress.info("%-32s %s", context.asset_key.to_user_string(), message)


def _raw_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    @dg.asset(name=f"{spec.name}_raw", group_name=spec.department, kinds=DUCKDB, retry_policy=TRANSIENT_IO_RETRY,
              description=f"{spec.survey}: new files of `{spec.path}` ({spec.format}), appended as text with lineage.")
    def raw(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connection() as connection, retry_only_transient(context, progress):
            landed = land_source(connection, warehouse.home_dir, spec, context.run_id)
            pruned = prune_raw(connection, spec, warehouse.home_dir.settings().raw_retention_days, context.run_id)
        rejected = "; ".join(landed.files_rejected.values())
        _report(context, f"{len(landed.files_loaded)} new file(s), {landed.rows_read:,} rows"
                         + (f"; rejected files: {rejected}" if rejected else "")
                         + "".join(f"; schema drift: {warning}" for warning in landed.drift)
                         + (f"; raw rows of {pruned} file(s) past raw_retention_days deleted" if pruned else ""))
        return dg.MaterializeResult(metadata={
            "files_seen": landed.files_seen, "files_loaded": len(landed.files_loaded),
            "files_rejected": len(landed.files_rejected), "rows_read": landed.rows_read,
            "schema_drift": len(landed.drift), "files_raw_pruned": pruned})

    return raw


def _staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    @dg.asset(name=f"{spec.name}_staging", deps=[f"{spec.name}_raw"], group_name=spec.department, kinds=DUCKDB,
              description=f"{spec.survey}: the new raw rows renamed and typed into the unified shape, "
                          "then validated with Great Expectations (Data Docs in <home>/reports/data_docs, written by feedback).")
    def staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connection() as connection:
            current = with_added_columns(connection, spec)  # columns its exports gained land in attributes
            rows = build_staging(connection, current, context.run_id)
            report = validate_staging(connection, current, context.run_id)  # Data Docs: once, by `feedback`
        failed = ", ".join(f"{rule} {n:,}" for rule, n in report.failures_by_rule().items())
        _report(context, f"{rows:,} rows staged, {report.n_rows_failing:,} break a rule" + (f" ({failed})" if failed else "")
                + (f"; warning: {spec.unattributed_warning}" if spec.unattributed_warning else ""))
        return dg.MaterializeResult(metadata={
            "rows_staged": rows, "rows_failing_validation": report.n_rows_failing,
            **{f"rule/{rule}": n for rule, n in report.failures_by_rule().items()}})

    return staging


def source_assets(spec: SourceSpec) -> list[dg.AssetsDefinition]:
    return [_raw_asset(spec), _staging_asset(spec)]


SPEC_ERROR_PREFIX = "spec_error_"


def _spec_error_asset(name: str, error: SpecError) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name="sources",
              description=f"The spec {error.file} cannot be used, so its source is not loaded: {error.expected}")
    def spec_error(context: dg.AssetExecutionContext) -> None:
        # Fails the run (exit 1) with the spec's message; the other sources do not depend on it and still load.
        progress.error("%-32s not loaded: spec %s", context.asset_key.to_user_string(), error)
        raise dg.Failure(description=f"spec {error}", allow_retries=False)

    return spec_error


def spec_error_assets(errors: list[SpecError]) -> list[dg.AssetsDefinition]:
    """One failing asset per spec file that cannot be used: the night fails naming it, the rest loads."""
    names: list[str] = []
    for error in errors:
        stem = re.sub(r"[^a-z0-9_]+", "_", Path(error.file).stem.lower()).strip("_") or "spec"
        name = f"{SPEC_ERROR_PREFIX}{stem}"
        names.append(name if name not in names else f"{name}_{len(names)}")
    return [_spec_error_asset(name, error) for name, error in zip(names, errors)]


def core_assets(specs: list[SourceSpec]) -> list[dg.AssetsDefinition]:
    @dg.asset(name="feedback", group_name="core", kinds=DUCKDB, deps=[f"{s.name}_staging" for s in specs],
              description="core.feedback and core.feedback_scores: one row per response (and metric); "
                          "rows that break a rule go to quarantine.rejects.")
    def feedback(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        salt = pii_salt(warehouse.home_dir)
        totals = {"loaded": 0, "rejected": 0, "duplicate": 0}
        with warehouse.connection() as connection:
            for spec in specs:
                merged = merge_source(connection, spec, context.run_id, salt)
                totals = {k: totals[k] + getattr(merged, k) for k in totals}
        docs = build_data_docs(warehouse.home_dir.reports / "data_docs")  # every source this run validated
        _report(context, f"{totals['loaded']:,} loaded, {totals['rejected']:,} rejected, "
                         f"{totals['duplicate']:,} duplicates")
        return dg.MaterializeResult(metadata={
            **totals, **({"data_docs": dg.MetadataValue.path(str(docs))} if docs else {})})

    @dg.asset(name="accounts", group_name="core", kinds=DUCKDB, deps=[feedback],
              description="core.accounts, core.account_aliases and core.account_changes: every mention of a customer "
                          "resolved to one account (<home>/accounts/overrides.yaml wins over the evidence).")
    def accounts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        overrides = Overrides.load(warehouse.home_dir.accounts / "overrides.yaml")
        with warehouse.connection() as connection:
            built = build_accounts(connection, context.run_id, overrides)
        _report(context, str(built))
        return dg.MaterializeResult(metadata={"accounts": built.n_accounts, "unattributed_responses": built.n_unattributed})

    return [feedback, accounts]


def _mart_asset(name: str, marts_read: set[str]) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name="marts", kinds=DUCKDB, deps=["accounts", *sorted(marts_read)],
              description=f"marts.{name}, built from warehouse/marts/{name}.sql: the rows a night's changes touch, "
                          f"or whole (warehouse/marts/{name}.yaml declares what it is refreshed by).")
    def mart(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connection() as connection:
            built = refresh_mart(connection, name, warehouse.mart_settings, context.run_id)
        _report(context, str(built))
        return dg.MaterializeResult(metadata={
            "rows": built.rows, "rebuilt_whole": built.whole_because is not None,
            **({"why_whole": built.whole_because} if built.whole_because else {"share_refreshed": built.share})})

    return mart


def mart_assets() -> list[dg.AssetsDefinition]:
    """One asset per mart, depending on the marts its SQL reads (a cycle or an unknown mart fails here)."""
    return [_mart_asset(name, marts_read) for name, marts_read in mart_dependencies().items()]


def publish_asset() -> dg.AssetsDefinition:
    @dg.asset(name="published_warehouse", group_name="publish", kinds=DUCKDB, deps=mart_names(),
              retry_policy=TRANSIENT_IO_RETRY,
              description="warehouse.duckdb for analysts: schemas core and marts; the older of two copies is "
                          "patched (or rebuilt) and linked into place atomically; left as it is when nothing it is "
                          "built from changed. "
                          "The HTML report (<home>/reports/feedback.html) is rebuilt with it.")
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        home, settings = warehouse.home_dir, warehouse.mart_settings
        with warehouse.connection() as connection, retry_only_transient(context, progress):
            published = None if already_published(connection, home, settings) else publish(connection, home, context.run_id)
            if published:
                record_publish(connection, home, context.run_id, settings)
        report = _rebuild_report(home) if published or not _report_path(home).exists() else None
        if published is None:
            _report(context, f"unchanged {home.warehouse_db}")
        else:
            how = published.how if published.rewritten else \
                f"updated: {published.responses_written:,} response(s) written; {published.how}"
            _report(context, f"published {home.warehouse_db} ({how})")
        if report:
            _report(context, f"report rebuilt: {report}")
        return dg.MaterializeResult(metadata={
            "path": str(home.warehouse_db), "republished": published is not None,
            **({"report": dg.MetadataValue.path(str(report))} if report else {}),
            "rewritten": bool(published and published.rewritten),
            "responses_written": published.responses_written if published else 0})

    return published_warehouse


def _report_path(home) -> Path:
    return home.reports / "feedback.html"


def _rebuild_report(home) -> Path:
    """The feedback report of the warehouse just published, swapped in whole so no reader sees half a page."""
    target = _report_path(home)
    written = write_report(home.warehouse_db, target.with_name(f".{target.name}.tmp"))
    written.replace(target)
    return target


def all_assets(specs: list[SourceSpec], spec_errors: list[SpecError] = ()) -> list[dg.AssetsDefinition]:
    per_source = [asset for spec in specs for asset in source_assets(spec)]
    return [*spec_error_assets(list(spec_errors)), *per_source, *core_assets(specs), *mart_assets(), publish_asset()]
