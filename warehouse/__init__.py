"""The warehouse: DuckDB SQL and the Python that runs it (layers, account resolution, publishing).

Knows nothing of Dagster: :mod:`pipelines` wires these steps into assets.

SQL style: a statement that transforms data is a ``.sql`` file named verb_object (``sql/``, ``accounts/sql/``,
``marts/``), run by :func:`warehouse.db.run_sql` with ``$named`` parameters. Python builds SQL only where the
declarations decide its shape (DDL and copies from :mod:`schemas.unified`, a source's own column names), always
with :func:`schemas.sql_names.quote`; values are parameters, never text. Rows of the pipeline's records go in
through :func:`warehouse.db.insert_rows`, and statements that must land together through
:func:`warehouse.db.transaction`.
"""
