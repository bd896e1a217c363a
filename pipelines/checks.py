"""Asset checks: each source's validation result, blocking when too many rows are rejected.

A source whose share of rejected rows in a run exceeds its spec's ``max_reject_rate`` (default 5%)
fails its check; the check blocks everything downstream, so the run fails and the previously published
warehouse stays in place. Rows rejected while reading (wrong number of fields) count too; records a
reader sets aside as not being responses (previews, partial responses, unanswered ratings) count in
neither the rejected rows nor the total.
"""

import dagster as dg

from connectors import not_response_rules
from schemas.spec import SourceSpec

from pipelines.resources import WarehouseResource

__all__ = ["validation_check", "validation_checks"]

_COUNTS = """
select
    coalesce(max(v.n_rows), 0) as n_staged,
    coalesce(max(v.n_rows_failing), 0) as n_failing,
    coalesce((select sum(rows_rejected) from meta.files
              where source = $source and status = 'raw_loaded'), 0) as n_read_rejects,
    -- Matched by file name, as a full refresh recounts them: a file's read-time rejects carry the run
    -- that landed it, which may be an earlier, failed run. An earlier, merged version of the same name
    -- keeps its own.
    (select count(*) from quarantine.rejects q
     where q.source = $source and list_contains($not_responses, q.rule)
       and exists (select 1 from meta.files f
                   where f.source = q.source and f.source_file = q.source_file and f.status = 'raw_loaded')
       and not exists (select 1 from meta.files o
                       where o.source = q.source and o.source_file = q.source_file and o.run_id = q.run_id
                         and o.status <> 'raw_loaded')) as n_not_responses
from meta.validations v
where v.run_id = $run_id and v.source = $source
"""


def validation_check(spec: SourceSpec) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=f"{spec.name}_staging", name="reject_rate_within_limit", blocking=True,
                    description=f"At most {spec.max_reject_rate:.0%} of this run's rows of {spec.name} are rejected "
                                "(spec key max_reject_rate).")
    def check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connection() as connection:
            staged, failing, read_rejects, not_responses = connection.execute(_COUNTS, {
                "source": spec.name, "run_id": context.run.run_id,
                "not_responses": sorted(not_response_rules())}).fetchall()[0]
            rules = connection.execute(
                "select rule, n_failed from meta.validations where run_id = ? and source = ? and n_failed > 0 "
                "order by n_failed desc", [context.run.run_id, spec.name]).fetchall()
        read_rejects -= not_responses
        total = staged + read_rejects
        rate = (failing + read_rejects) / total if total else 0.0
        passed = rate <= spec.max_reject_rate
        summary = (f"{failing + read_rejects:,} of {total:,} rows rejected ({rate:.1%}); "
                   f"limit {spec.max_reject_rate:.0%}")
        return dg.AssetCheckResult(
            passed=passed, description=summary if passed else f"{spec.name}: too many rejected rows: {summary}",
            metadata={"rows": total, "rows_rejected": failing + read_rejects, "reject_rate": rate,
                      "max_reject_rate": spec.max_reject_rate,
                      "records_not_responses": not_responses, **{f"rule/{r}": n for r, n in rules}})

    return check


def validation_checks(specs: list[SourceSpec]) -> list[dg.AssetChecksDefinition]:
    return [validation_check(spec) for spec in specs]
