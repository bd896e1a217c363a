"""The unified schema and the source-spec model; imports nothing else of silobridge."""

from pathlib import Path

__all__ = ["builtin_sources_dir"]


def builtin_sources_dir() -> Path:
    """Specs of the three seed silos, used when a home declares no sources of its own."""
    return Path(__file__).with_name("builtin_sources")
