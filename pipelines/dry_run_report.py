"""How `silobridge sources check` prints a dry run."""

from __future__ import annotations

import click

from warehouse.dry_run import DryRunReport

__all__ = ["print_dry_run"]


def print_dry_run(report: DryRunReport) -> None:
    click.echo(f"\n{report.file}")
    if report.file_error:
        click.echo(f"  the whole file would be rejected: {report.file_error}")
        return
    click.echo(f"  rows read {report.rows_read:,}: would load {report.rows_loaded:,}, reject {report.rows_rejected:,}, "
               f"skip {report.rows_duplicate:,} duplicate(s)")
    if report.rule_counts:
        click.echo("  rejected by rule:")
        for rule, count in report.rule_counts:
            click.echo(f"    {rule:<28} {count:>8,}")
        click.echo("  first offending rows:")
        for row, rule, detail in report.first_rejects:
            click.echo(f"    row {row if row is not None else '-':>6}  {rule}: {detail}")
    if report.preview:
        click.echo("  first rows as they would load:")
        click.echo("    " + " | ".join(report.preview_columns))
        for values in report.preview:
            click.echo("    " + " | ".join("" if v is None else str(v) for v in values))
