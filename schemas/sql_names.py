"""How text from departments' exports is written into SQL text: quoted, never trusted.

Column names come from the exports themselves (``Why "no"?``), so every identifier is quoted. Values go in
as parameters; :func:`literal` is only for the statements DuckDB takes no parameters in (views, COPY,
COMMENT ON).

>>> quote('Why "no"?')
'"Why ""no""?"'
>>> literal("O'Brien")
"'O''Brien'"
"""

from __future__ import annotations

__all__ = ["quote", "literal"]


def quote(identifier: str) -> str:
    """Quote an SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """Quote a string as an SQL literal."""
    return "'" + text.replace("'", "''") + "'"
