"""The notebook API: `from pipeline import load` gives DataFrames and the graph of an OUT folder."""

from __future__ import annotations

import csv
import subprocess
import sys

import networkx as nx
import pytest

from pipeline import load
from pipeline.graph import GraphInputError
from pipeline.write import safe_cell
from tests.conftest import HUGUAN, WENXI


def read_dicts(path):
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run(sample_out):
    return load(sample_out)


def test_api_import_and_cli_stay_light():
    code = ("import pipeline.cli, sys; from pipeline import load; "
            "heavy = {'pandas', 'networkx', 'matplotlib', 'openpyxl', 'spacy'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_api_notices_has_one_row_per_notice(run):
    assert list(run.notices["notice"]) == [HUGUAN.stem, WENXI.stem]
    assert list(run.notices["county"]) == ["壶关县", "闻喜县"]
    assert list(run.notices["actions"]) == [10, 10]


@pytest.mark.parametrize("table, csv_name, columns", [
    ("thresholds", "thresholds.csv", ["source", "metric", "op", "unit", "text"]),
    ("actions", "actions.csv", ["source", "number", "title", "lead", "cooperating"]),
    ("responsibilities", "responsibilities.csv",
     ["source", "action_number", "action_title", "unit_name", "unit_canonical", "role"]),
])
def test_api_tables_match_the_csv_files(run, sample_out, table, csv_name, columns):
    frame = getattr(run, table)
    expected = [[row[c] for c in columns] for row in read_dicts(sample_out / csv_name)]
    found = [["" if v is None or v != v else str(safe_cell(v)) for v in row]  # v != v: NaN
             for row in frame[columns].itertuples(index=False)]
    assert found == expected


def test_api_graph_is_the_exported_graph(run, sample_out):
    exported = nx.read_graphml(sample_out / "graph" / "responsibility.graphml")
    graph = run.graph()
    assert set(graph.nodes) == set(exported.nodes) and graph.number_of_edges() == exported.number_of_edges()
    wenxi = run.graph("闻喜县")
    assert {d["notice"] for _, d in wenxi.nodes(data=True) if d["kind"] == "action"} == {WENXI.stem}
    assert wenxi.number_of_edges() == sum(1 for _, _, d in exported.edges(data=True) if d["notice"] == WENXI.stem)


def test_api_matrix_is_the_matrix_file(run, sample_out):
    matrix = run.matrix(HUGUAN.stem)
    with (sample_out / "matrices" / f"{HUGUAN.stem}.csv").open(encoding="utf-8-sig") as fh:
        header, *rows = list(csv.reader(fh))
    assert ["number", "title"] + list(matrix.columns) == header
    assert [[str(n), t, *cells] for (n, t), cells in zip(matrix.index, matrix.values.tolist())] == rows


def test_api_units_are_the_units_csv(run, sample_out):
    expected = read_dicts(sample_out / "graph" / "units.csv")
    assert [(r.notice, r.unit, r.actions_led) for r in run.units.itertuples()] == \
        [(r["notice"], r["unit"], int(r["actions_led"])) for r in expected]


@pytest.mark.parametrize("which, expected", [
    (HUGUAN.stem, HUGUAN.stem),
    (str(HUGUAN), HUGUAN.stem),
    ("闻喜县", WENXI.stem),
    ("001_71559f4dc2e04346.txt", WENXI.stem),
    ("长治市", None),  # a city, not a notice's county
])
def test_api_notice_accepts_stem_source_or_county(run, which, expected):
    if expected is None:
        with pytest.raises(KeyError, match="names no notice"):
            run.notice(which)
    else:
        assert run.notice(which) == expected


def test_api_load_names_the_missing_file(tmp_path):
    with pytest.raises(GraphInputError, match=r"notices\.jsonl"):
        load(tmp_path)
    (tmp_path / "notices.jsonl").write_text('{"source": "a.txt"}\nnot json\n', encoding="utf-8")
    with pytest.raises(GraphInputError, match=r"notices\.jsonl:2"):
        load(tmp_path)
