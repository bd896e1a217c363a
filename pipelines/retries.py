"""Retries with back-off for the steps that touch files, on transient failures only.

A landing file still being copied in with owner-only permissions, a network share that hiccups, a disk
briefly full: such errors pass if the step waits and tries again, and the steps are safe to repeat (each
file lands in one transaction, the warehouse is swapped in by one rename). A file that breaks a rule, a
wrong spec, SQL that fails on the data: these fail the same way every time, so they fail the run at
once instead of being retried.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

__all__ = ["TRANSIENT_IO_RETRY", "TRANSIENT_ERRORS", "retry_only_transient"]

# 3 more attempts after about 2, 4 and 8 s (exponential back-off, each ±jitter so parallel runs spread out).
TRANSIENT_IO_RETRY = dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL,
                                    jitter=dg.Jitter.PLUS_MINUS)

# File-system errors (permission denied, file busy or gone, disk full, timeouts) and DuckDB's I/O errors.
TRANSIENT_ERRORS = (OSError, duckdb.IOException)


@contextmanager
def retry_only_transient(context: dg.AssetExecutionContext, progress: logging.Logger) -> Iterator[None]:
    """Let transient errors go to the step's retry policy; turn every other error into a final failure."""
    try:
        yield
    except TRANSIENT_ERRORS as error:
        attempt = context.retry_number + 1
        if attempt <= TRANSIENT_IO_RETRY.max_retries:
            progress.warning("%-32s transient error on attempt %d, retrying with back-off: %s",
                             context.asset_key.to_user_string(), attempt, error)
        raise
    except Exception as error:
        raise dg.Failure(description=f"{type(error).__name__}: {error}", allow_retries=False) from error
