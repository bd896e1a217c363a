"""The warehouse: DuckDB SQL and the Python that runs it (layers, account resolution, publishing).

Knows nothing of Dagster: :mod:`pipelines` wires these steps into assets.
"""
