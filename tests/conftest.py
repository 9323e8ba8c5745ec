"""Shared fixtures: the sample notices, their normalised text, the reference tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.knowledge import default_knowledge
from pipeline.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
HUGUAN = CORPORA / "000_3906f5c9db5bee8f.txt"
WENXI = CORPORA / "001_71559f4dc2e04346.txt"
SAMPLES = {"huguan": HUGUAN, "wenxi": WENXI}
# The hand annotations live beside the repo (../shared/gold); a copy is kept in tests/gold.
GOLD_DIRS = [ROOT.parent / "shared" / "gold", ROOT / "tests" / "gold" / "samples"]
SCORER = ROOT.parent / "shared" / "tools" / "score.py"


@pytest.fixture(scope="session")
def knowledge():
    return default_knowledge()


@pytest.fixture(scope="session")
def units_table(knowledge):
    return knowledge.units


@pytest.fixture(scope="session", params=sorted(SAMPLES))
def sample(request):
    """(name, normalised text) of each sample notice."""
    path = SAMPLES[request.param]
    return request.param, normalise(path.read_text(encoding="utf-8")).text


def gold_dir() -> Path:
    return next(d for d in GOLD_DIRS if d.is_dir())


def load_gold(name: str) -> dict:
    stem = SAMPLES[name].stem
    return json.loads((gold_dir() / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory):
    """OUT of `policymap extract` on the two sample notices (matrices and graph included)."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    out = tmp_path_factory.mktemp("sample_out")
    result = CliRunner().invoke(cli, ["extract", str(HUGUAN), str(WENXI), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out
