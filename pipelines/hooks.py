"""The failure alert: when a step of the nightly job fails, say so loudly, and post it to a webhook.

Set ``SILOBRIDGE_ALERT_WEBHOOK`` to a URL (Slack, Teams, an incident tool's generic webhook) to receive a
JSON summary of the failure. A webhook that cannot be reached is logged, never raised: the alert must
not hide the failure it reports.
"""

import datetime as dt
import json
import os
import urllib.error
import urllib.request

import dagster as dg

__all__ = ["alert_on_failure", "failure_summary", "post_alert"]


def failure_summary(job: str, run_id: str, step: str, error: BaseException | None) -> dict[str, str]:
    if isinstance(error, dg.Failure) and error.__cause__ is not None:  # a step's error marked as not retryable
        error = error.__cause__
    return {
        "event": "silobridge_run_failed",
        "job": job,
        "run_id": run_id,
        "step": step,
        "error": f"{type(error).__name__}: {error}" if error else "unknown error",
        "home": os.environ.get("SILOBRIDGE_HOME", ""),
        "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def post_alert(url: str, summary: dict[str, str], timeout: float = 10) -> None:
    request = urllib.request.Request(url, data=json.dumps(summary).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


@dg.failure_hook(name="alert_on_failure")
def alert_on_failure(context: dg.HookContext) -> None:
    summary = failure_summary(context.job_name, context.run_id, context.step_key, context.op_exception)
    context.log.error(f"ALERT silobridge run {summary['run_id']} failed at {summary['step']}: {summary['error']}")
    url = os.environ.get("SILOBRIDGE_ALERT_WEBHOOK")
    if url:
        try:
            post_alert(url, summary)
        except (urllib.error.URLError, OSError, ValueError) as error:
            context.log.error(f"could not post the alert to SILOBRIDGE_ALERT_WEBHOOK: {error}")
