"""The summary ``silobridge demo`` prints after its run."""

from __future__ import annotations

import click
import duckdb

from warehouse.home import Home

__all__ = ["print_summary"]

_PER_SOURCE = """
select source, count(*) as files, sum(rows_read)::bigint as read, sum(rows_loaded)::bigint as loaded,
    sum(rows_rejected)::bigint as rejected, sum(rows_duplicate)::bigint as duplicates
from meta.files group by source order by source
"""

_REJECTS_BY_RULE = "select rule, count(*) as n from quarantine.rejects group by rule order by n desc, rule"

_MENTIONS_AND_ACCOUNTS = """
select (select count(distinct lower(account_name_raw)) from core.account_mentions),
       (select count(*) from core.account_mentions), (select count(*) from core.accounts),
       (select coalesce(sum(n_responses), 0)::bigint from core.account_mentions where account_id is null)
"""


def print_summary(home: Home, example_query: str) -> None:
    pipeline = duckdb.connect(str(home.pipeline_db), read_only=True)
    try:
        click.echo("\nResponses per source (rows read = loaded + rejected + duplicates):")
        pipeline.sql(_PER_SOURCE).show()
        spellings, mentions, accounts, unattributed = pipeline.sql(_MENTIONS_AND_ACCOUNTS).fetchall()[0]
        click.echo(f"Accounts: {spellings:,} spellings of customer names in {mentions:,} distinct mentions "
                   f"resolved to {accounts:,} accounts; {unattributed:,} response(s) unattributed "
                   "(no name, company domain or CRM id: account_id is null)")
        click.echo("\nRejected rows by rule (details in quarantine.rejects of pipeline.duckdb):")
        pipeline.sql(_REJECTS_BY_RULE).show()
    finally:
        pipeline.close()
    warehouse = duckdb.connect(str(home.warehouse_db), read_only=True)
    try:
        click.echo(f"Example query — the five most-surveyed accounts across departments:\n{example_query}")
        warehouse.sql(example_query).show(max_width=200)
    finally:
        warehouse.close()
    click.echo(f"\nWarehouse: {home.warehouse_db}")
    docs = home.reports / "data_docs" / "index.html"
    if docs.exists():
        click.echo(f"Validation results (Great Expectations Data Docs): {docs}")
    click.echo(f"Try: silobridge sql --home {home.root} "
               "\"select * from marts.survey_fatigue where is_over_limit limit 10\"")
