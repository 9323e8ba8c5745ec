"""policymap pipeline: read notices, normalise, outline, extract, write.

``from pipeline import load`` opens an OUT folder for notebooks (pipeline/api.py); it is
imported on first use so that ``import pipeline.cli`` stays light.
"""

from __future__ import annotations

__all__ = ["load"]


def __getattr__(name: str):
    if name == "load":
        from pipeline.api import load

        return load
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
