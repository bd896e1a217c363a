"""The ``silobridge`` command line.

Exit status: 0 on success (rejected rows are reported, not failures), 1 when a run fails, 2 for a
usage or spec error. Every command takes ``--home DIR``.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
from pathlib import Path

import click

from schemas.spec import SpecError

__all__ = ["main", "entrypoint"]

EXAMPLE_QUERY = """select account_name, n_responses, n_sources, responses_by_department, nps, csat_pct
from marts.account_360 order by n_responses desc limit 5"""


def _home(value: str | None):
    from warehouse.home import resolve_home

    return resolve_home(value)


home_option = click.option("--home", "home", type=click.Path(file_okay=False), default=None,
                           help="silobridge home (default: $SILOBRIDGE_HOME, else ~/.local/share/silobridge).")


def _fail_on_spec_error(error: SpecError) -> None:
    click.echo(f"error: spec {error}", err=True)
    sys.exit(2)


def _print_progress() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    logger = logging.getLogger("silobridge.progress")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


@click.group()
def main() -> None:
    """silobridge: every department's customer-feedback survey in one DuckDB warehouse."""
    from warehouse.home import owner_only_files

    owner_only_files()  # the databases, reports and Dagster logs hold respondents' data


def _run(home, full_refresh: bool = False) -> int:
    from pipelines.runner import run_pipeline
    from warehouse.db import PipelineDatabaseError
    from warehouse.home import SettingsError
    from warehouse.lock import HomeBusy

    _print_progress()
    click.echo(f"silobridge run — home {home.root}")
    try:
        outcome = run_pipeline(home, full_refresh=full_refresh)
    except SpecError as error:
        _fail_on_spec_error(error)
    except SettingsError as error:
        click.echo(f"error: settings {error}", err=True)
        sys.exit(2)
    except HomeBusy as busy:
        click.echo(f"error: refusing to start: {busy}", err=True)
        return 1
    except PipelineDatabaseError as damaged:
        click.echo(f"error: {damaged}", err=True)
        return 1
    if outcome.builtin_unused:  # said again at the end, where an operator looks
        click.echo(f"warning: built-in seed sources not loaded: {', '.join(outcome.builtin_unused)} (the home "
                   "declares its own sources; keep them with `builtin_sources: true` in silobridge.yaml)", err=True)
    if outcome.nothing_new:
        click.echo(f"run {outcome.run_id} succeeded: nothing new; warehouse: {home.warehouse_db}")
        return 0
    if not outcome.success and outcome.published:
        click.echo(f"run {outcome.run_id} failed: {outcome.error}\n"
                   f"The other sources were loaded and published: {home.warehouse_db}", err=True)
        return 1
    if not outcome.success:
        click.echo(f"run {outcome.run_id} failed: {outcome.error}\n"
                   f"The published warehouse is unchanged: {home.warehouse_db}", err=True)
        return 1
    click.echo(f"run {outcome.run_id} succeeded; warehouse: {home.warehouse_db}")
    return 0


@main.command()
@home_option
@click.option("--full-refresh", is_flag=True,
              help="Rebuild staging, core and marts from the raw layer (after a spec, rule or resolver change).")
def run(home: str | None, full_refresh: bool) -> None:
    """Load new landing files of every source, validate, resolve accounts and publish the warehouse."""
    sys.exit(_run(_home(home), full_refresh))


@main.command()
@home_option
@click.option("--rows", default=20_000, show_default=True, help="Responses to generate across the three silos.")
@click.option("--seed", default=7, show_default=True, help="Seed of the sample-data generator.")
def demo(home: str | None, rows: int, seed: int) -> None:
    """Generate sample exports of the three seed silos into the home, run the pipeline, show a summary."""
    from samples import generate_silos

    home_dir = _home(home).create()
    own_specs = sorted(home_dir.sources.glob("*.y*ml"))
    if own_specs:
        click.echo(f"error: {home_dir.root} declares its own sources ({own_specs[0].name}, ...); "
                   "run the demo in a fresh home: silobridge demo --home DIR", err=True)
        sys.exit(2)
    summary = generate_silos(home_dir.landing, rows=rows, seed=seed)
    click.echo(f"Generated {sum(summary.rows_per_source.values()):,} sample responses in "
               f"{len(summary.files)} files under {home_dir.landing}")
    status = _run(home_dir)
    if status == 0:
        from pipelines.summary import print_summary

        print_summary(home_dir, EXAMPLE_QUERY)
        click.echo(f"Report: {home_dir.reports / 'feedback.html'}")  # rebuilt by the run, with the warehouse
    sys.exit(status)


@main.group()
def sources() -> None:
    """Inspect the source specs of a home."""


@sources.command("list")
@home_option
def sources_list(home: str | None) -> None:
    """List the home's sources (its own specs, else the built-in seed silos), and the specs that cannot be used."""
    from warehouse.home import SettingsError
    from warehouse.raw import landing_files
    from warehouse.sources import read_sources

    home_dir = _home(home)
    try:
        found = read_sources(home_dir)
    except SettingsError as error:
        click.echo(f"error: settings {error}", err=True)
        sys.exit(2)
    click.echo(f"{len(found.specs)} sources ({found.origin} specs) in {home_dir.root}")
    for spec, path in zip(found.specs, found.files):
        n_files = len(landing_files(home_dir, spec)) if home_dir.root.exists() else 0
        click.echo(f"  {spec.name:<26} {spec.department:<10} {spec.format:<8} {spec.path:<32} "
                   f"{n_files:>4} file(s)  [{path.name}]")
    if found.builtin_unused:
        click.echo(f"warning: built-in seed sources not loaded: {', '.join(found.builtin_unused)}: the home declares "
                   "its own sources; set `builtin_sources: true` in silobridge.yaml to keep them", err=True)
    for error in found.errors:
        click.echo(f"error: spec {error}", err=True)
    if found.errors:
        sys.exit(2)


def _spec_from_argument(home_dir, spec_argument: str):
    """A spec file, or the name of one of the home's sources."""
    from schemas.spec import load_spec
    from warehouse.sources import check_spec, read_sources

    path = Path(spec_argument)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return check_spec(load_spec(path), path)
    for spec in read_sources(home_dir).specs:
        if spec.name == spec_argument:
            return spec
    raise click.UsageError(f"{spec_argument!r} is neither a spec file nor a source of {home_dir.root}")


@sources.command("check")
@home_option
@click.argument("spec_argument", metavar="SPEC")
@click.argument("files", metavar="[FILE]...", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--limit", default=5, show_default=True, help="Offending and loaded rows to show.")
def sources_check(home: str | None, spec_argument: str, files: tuple[str, ...], limit: int) -> None:
    """Validate SPEC and dry-run it on sample FILEs (default: its landing files); touches no warehouse."""
    from pipelines.dry_run_report import print_dry_run
    from warehouse.dry_run import dry_run_file
    from warehouse.raw import landing_files

    home_dir = _home(home)
    try:
        spec = _spec_from_argument(home_dir, spec_argument)
    except SpecError as error:
        _fail_on_spec_error(error)
    click.echo(f"spec {spec.name}: valid ({spec.format}, {len(spec.scores)} score(s), "
               f"{len(spec.required_columns())} required column(s))")
    if spec.unattributed_warning:
        click.echo(f"warning: {spec.unattributed_warning}", err=True)
    paths = [Path(f) for f in files] or landing_files(home_dir, spec)
    if not paths:
        click.echo(f"no sample file given and none matches {spec.path} under {home_dir.root}")
    for path in paths:
        print_dry_run(dry_run_file(spec, path, limit))


@sources.command("infer")
@home_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", required=True, help="The export's format, as a spec names it (qualtrics_csv, csv ...).")
@click.option("--name", default=None, help="The source's name (default: from the file name, snake_case).")
@click.option("--encoding", default=None, help="The file's encoding when it is not UTF-8 (e.g. cp1252); kept in the spec.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the spec to this file instead of standard output.")
def sources_infer(home: str | None, file: str, fmt: str, name: str | None, encoding: str | None,
                  output: str | None) -> None:
    """Propose a spec for exports like FILE: YAML with a comment per key, '# guess:' where unsure."""
    from connectors import ConnectorError, available_formats
    from warehouse.inference import InferenceError, infer_spec

    if fmt not in available_formats():
        raise click.BadParameter(f"{fmt!r}; known formats: {', '.join(sorted(available_formats()))}",
                                 param_hint="--format")
    if output and Path(output).exists():  # a reviewed spec is never overwritten by a new proposal
        click.echo(f"error: {output} exists; remove it or write the proposal elsewhere", err=True)
        sys.exit(2)
    try:
        inferred = infer_spec(Path(file), fmt, name, encoding)
    except SpecError as error:  # e.g. a --name that is not snake_case
        _fail_on_spec_error(error)
    except (ConnectorError, InferenceError) as error:
        click.echo(f"error: cannot infer a spec from {file}: {error}", err=True)
        sys.exit(2)
    except Exception as error:  # noqa: BLE001 - a proposal is advice: whatever broke, say so in one line
        click.echo(f"error: cannot infer a spec from {file}: {type(error).__name__}: {error}", err=True)
        sys.exit(2)
    if inferred.spec.unattributed_warning:
        click.echo(f"warning: {inferred.spec.unattributed_warning}; if a column names the customer, add it under "
                   "`account:`", err=True)
    existing = _home(home).sources / f"{inferred.spec.name}.yaml"
    if existing.exists() and Path(output or "").resolve() != existing.resolve():
        click.echo(f"note: {existing} already declares a source of this name; choose another --name", err=True)
    if output is None:
        click.echo(inferred.text, nl=False)
        return
    Path(output).write_text(inferred.text, encoding="utf-8")
    guesses = len(inferred.proposal.guesses)
    click.echo(f"spec {inferred.spec.name}: written to {output} ({guesses} guess(es) to review); "
               f"next: silobridge sources check {output} {file}")


@main.group()
def accounts() -> None:
    """Resolve customer mentions to accounts, and explain why mentions were joined."""


def _account_overrides(home_dir):
    from warehouse.accounts import Overrides, OverridesError

    try:
        return Overrides.load(home_dir.accounts / "overrides.yaml")
    except OverridesError as error:
        click.echo(f"error: overrides {error}", err=True)
        sys.exit(2)


@accounts.command("resolve")
@home_option
@click.argument("input_csv", metavar="IN.csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "output", required=True, type=click.Path(dir_okay=False),
              help="OUT.csv: mention_id, account_id, account_name, match_method, confidence (one row per input row).")
def accounts_resolve(home: str | None, input_csv: str, output: str) -> None:
    """Resolve the mentions of IN.csv (mention_id, source, account_name, email, crm_account_id) to accounts,
    with the pipeline's resolver and the home's accounts/overrides.yaml."""
    from warehouse.accounts.commands import AccountInputError, resolve_csv

    overrides = _account_overrides(_home(home))
    try:
        summary = resolve_csv(Path(input_csv), Path(output), overrides)
    except AccountInputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"{summary} -> {output}")


@accounts.command("explain")
@home_option
@click.argument("account", metavar="ACCOUNT_ID_OR_NAME")
def accounts_explain(home: str | None, account: str) -> None:
    """Show an account of the published warehouse and why its mentions were joined."""
    from warehouse.accounts.commands import explain

    home_dir = _home(home)
    if not home_dir.warehouse_db.exists():
        click.echo(f"error: no published warehouse at {home_dir.warehouse_db}; run `silobridge run` first", err=True)
        sys.exit(2)
    lines = explain(home_dir.warehouse_db, account)
    click.echo("\n".join(lines))
    if lines and lines[0].startswith("no account"):
        sys.exit(2)


@main.command()
@home_option
@click.argument("query")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output (required for parquet on a terminal).")
@click.option("--max-rows", default=40, show_default=True, help="Rows shown in table format.")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds after which the query is stopped.")
@click.option("--memory-limit", default="2GB", show_default=True, help="Memory the query may use, e.g. 512MB.")
def sql(home: str | None, query: str, output_format: str, output: str | None, max_rows: int, timeout: float,
        memory_limit: str) -> None:
    """Run a read-only SQL query against the published warehouse."""
    from pipelines.sql_access import QueryFailed, QueryRefused, run_query

    home_dir = _home(home)
    if not home_dir.warehouse_db.exists():
        click.echo(f"error: no published warehouse at {home_dir.warehouse_db}; run `silobridge run` first", err=True)
        sys.exit(2)
    try:
        run_query(home_dir.warehouse_db, query, output_format, Path(output) if output else None, max_rows, timeout,
                  memory_limit)
    except (QueryRefused, QueryFailed) as refused:
        click.echo(f"error: {refused}", err=True)
        sys.exit(2)


@main.command()
@home_option
def report(home: str | None) -> None:
    """Write the feedback report, one self-contained HTML page, to <home>/reports/feedback.html."""
    from warehouse.report import write_report

    home_dir = _home(home)
    if not home_dir.warehouse_db.exists():
        click.echo(f"error: no published warehouse at {home_dir.warehouse_db}; run `silobridge run` first", err=True)
        sys.exit(2)
    click.echo(f"report: {write_report(home_dir.warehouse_db, home_dir.reports / 'feedback.html')}")


@main.command()
@home_option
def docs(home: str | None) -> None:
    """Write the data dictionary of the published warehouse (Markdown and HTML) under <home>/reports/."""
    from warehouse.dictionary import write_dictionary

    home_dir = _home(home)
    markdown, page = write_dictionary(home_dir.reports, home_dir.warehouse_db)
    click.echo(f"data dictionary: {markdown}\n                 {page}")


def entrypoint() -> None:
    """The ``silobridge`` command: :func:`main`, then an exit that skips tearing the interpreter down."""
    try:
        main()
    except SystemExit as done:
        if not _may_skip_teardown():
            raise
        _exit_without_teardown(done.code)


def _may_skip_teardown() -> bool:
    """Whether no profiler, tracer or running thread needs Python's normal exit.

    A profiler or tracer (pyinstrument, cProfile, coverage) writes its report once the command returns, and a
    normal exit waits for threads that are not daemons before it runs the exit handlers.
    """
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return False
    return not _threads_pending()


def _threads_pending() -> bool:
    """Whether a thread that is not a daemon is still running (a normal exit would wait for it)."""
    return any(not thread.daemon and thread is not threading.main_thread() for thread in threading.enumerate())


def _exit_without_teardown(code: object) -> None:
    """Exit with ``code`` as ``SystemExit`` would, once the exit handlers ran, without freeing every module.

    After a run has imported Dagster and Great Expectations, Python's own teardown (clearing thousands of
    modules and their objects) takes about 2 s, after all work is done and every database is closed.
    """
    status = 0 if code is None else code if isinstance(code, int) else 1
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
    atexit._run_exitfuncs()  # what a normal exit runs: logging.shutdown, weakref finalizers (temporary folders)
    flushed = True
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not stream.closed:
            try:
                stream.flush()
            except OSError:  # e.g. the reader of a pipe went away
                flushed = False
    os._exit(status if flushed else 120)  # 120: what Python's own exit returns when it cannot flush


if __name__ == "__main__":  # pragma: no cover
    entrypoint()

