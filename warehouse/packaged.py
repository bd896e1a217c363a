"""Files shipped inside the warehouse package (SQL, mart declarations, word lists), named by their path in it.

Read through :mod:`importlib.resources`, so an installed wheel works as a source checkout does.

>>> "create or replace" in packaged_text("sql/create_macros.sql")
True
>>> "account_360" in packaged_names("marts", ".sql")
True
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["packaged_file", "packaged_text", "packaged_names"]


def packaged_file(path: str) -> Traversable:
    return files("warehouse").joinpath(path)


def packaged_text(path: str) -> str:
    """The text of a packaged file, e.g. ``packaged_text("sql/create_macros.sql")``."""
    return packaged_file(path).read_text(encoding="utf-8")


def packaged_names(folder: str, suffix: str) -> list[str]:
    """The names, less ``suffix``, of the files in ``folder`` that end with it, sorted."""
    return sorted(p.name.removesuffix(suffix) for p in packaged_file(folder).iterdir() if p.name.endswith(suffix))
