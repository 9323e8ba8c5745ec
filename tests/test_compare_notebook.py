"""notebooks/compare_counties.ipynb shows what it promises on the two samples.

tests/test_notebooks.py runs every notebook and checks it is committed without outputs; this
test checks the content of this one: the aligned actions, the threshold table, two charts.
"""

from __future__ import annotations

import json

import pytest

from pipeline.run import process_file
from tests.conftest import HUGUAN, ROOT, WENXI

NOTEBOOK = ROOT / "notebooks" / "compare_counties.ipynb"


def test_compare_notebook_runs_and_draws_its_charts(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    lines = "".join(json.dumps(process_file(p).to_record(), ensure_ascii=False) + "\n" for p in (HUGUAN, WENXI))
    (tmp_path / "notices.jsonl").write_text(lines, encoding="utf-8")
    monkeypatch.setenv("POLICYMAP_OUT", str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "2 notices compared: 10 action groups (10 in several notices)" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # heat map and bar chart
    tables = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "实施专业镇要素保障行动" in tables and "制造业类专业镇" in tables
