"""Dagster definitions and the ``silobridge`` command line.

``dagster dev -m pipelines`` finds ``defs`` here. It is built on first access, so that commands which
never orchestrate (``silobridge sql``, ``sources list``) do not pay for importing Dagster.
"""

from typing import Any

__all__ = ["defs"]


def __getattr__(name: str) -> Any:
    if name == "defs":
        from pipelines.definitions import build_definitions
        from warehouse.home import resolve_home

        return build_definitions(resolve_home())
    raise AttributeError(f"module 'pipelines' has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*globals(), "defs"]
