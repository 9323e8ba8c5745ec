"""The responsibility graph: gold actions and roles, projections, measures, exports, pictures."""

from __future__ import annotations

import csv
import re
import warnings
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from pipeline.graph import (
    JOIN,
    action_projection,
    build_graph,
    cjk_font,
    draw,
    html_page,
    read_records,
    unit_measures,
    unit_projection,
)
from tests.conftest import SAMPLES, load_gold

EXPORTS = ("responsibility.graphml", "responsibility.gexf", "responsibility.json", "responsibility.html",
           "responsibility.png", "units.csv", "unit_pairs.csv", "action_pairs.csv")


def unit(name, canonical, level="county"):
    return {"name": name, "canonical": canonical, "level": level, "span": [0, 0]}


# Two actions of the Huguan notice, cut down: (一) 县工信局、县乡村振兴局牵头, 县财政局配合;
# (二) 县工信局牵头, 县乡村振兴局、县财政局配合.
SMALL = [{"source": "corpora/000_3906f5c9db5bee8f.txt", "region": {"county": "壶关县"}, "actions": [
    {"number": 1, "title": "实施专业镇市场主体倍增行动",
     "lead": [unit("县工信局", "工业和信息化"), unit("县乡村振兴局", "农业农村")],
     "cooperating": [unit("县财政局", "财政")]},
    {"number": 2, "title": "实施专业镇主导产业壮大行动",
     "lead": [unit("县工信局", "工业和信息化")],
     "cooperating": [unit("县乡村振兴局", "农业农村"), unit("县财政局", "财政")]},
]}]


@pytest.fixture(scope="module")
def graphml(sample_out):
    return nx.read_graphml(sample_out / "graph" / "responsibility.graphml")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_graph_has_exactly_the_gold_actions_and_roles(graphml, name):
    gold = load_gold(name)
    stem = SAMPLES[name].stem
    actions = {(d["number"], d["title"]) for _, d in graphml.nodes(data=True)
               if d["kind"] == "action" and d["notice"] == stem}
    assert actions == {(a["number"], a["title"]) for a in gold["actions"]}
    roles = Counter((graphml.nodes[a]["number"], name_as_printed, d["role"]) for a, _, d in _action_edges(graphml, stem)
                    for name_as_printed in d["names"].split(JOIN))
    expected = Counter((a["number"], printed, role) for a in gold["actions"] for role in ("lead", "cooperating")
                       for printed in a[role])
    assert roles == expected


def _action_edges(graph, stem):
    for first, second, data in graph.edges(data=True):
        action = first if graph.nodes[first]["kind"] == "action" else second
        if graph.nodes[action]["notice"] == stem:
            yield action, (second if action == first else first), data


def test_graph_is_bipartite_and_units_are_shared_across_notices(graphml):
    assert nx.is_bipartite(graphml)
    assert all({graphml.nodes[a]["kind"], graphml.nodes[b]["kind"]} == {"action", "unit"} for a, b in graphml.edges)
    # 县工信局 (壶关) and 县工科局 (闻喜) are one canonical unit leading in both notices.
    industry = graphml.nodes["unit:工业和信息化"]
    assert set(industry["names"].split(JOIN)) >= {"县工信局", "县工科局"}
    assert len(industry["notices"].split(JOIN)) == 2


@pytest.mark.parametrize("reader, extra_keys", [
    (nx.read_graphml, set()),
    (nx.read_gexf, {"id"}),  # GEXF numbers its edges
])
def test_graph_round_trips_through_graphml_and_gexf(sample_out, reader, extra_keys):
    built = build_graph(read_records(sample_out))
    suffix = "graphml" if reader is nx.read_graphml else "gexf"
    read = reader(sample_out / "graph" / f"responsibility.{suffix}")
    assert set(read.nodes) == set(built.nodes)
    assert {frozenset(e) for e in read.edges} == {frozenset(e) for e in built.edges}
    for node, data in built.nodes(data=True):
        assert read.nodes[node] == data, node
    for first, second, data in built.edges(data=True):
        assert {k: v for k, v in read.edges[first, second].items() if k not in extra_keys} == data


def test_graph_attributes_are_gexf_safe(sample_out):
    built = build_graph(read_records(sample_out))
    values = [v for _, d in built.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in built.edges(data=True) for v in d.values()]
    assert values and all(type(v) in (str, int, float, bool) for v in values)


def test_graph_unit_projection_counts_lead_and_cooperating_pairs_apart():
    projection = unit_projection(build_graph(SMALL))
    edge = projection.edges["unit:工业和信息化", "unit:农业农村"]
    # action 1: both lead; action 2: 工信 leads, 乡村振兴 cooperates.
    assert (edge["weight"], edge["lead_lead"], edge["lead_cooperating"], edge["cooperating_cooperating"]) == (2, 1, 1, 0)
    edge = projection.edges["unit:农业农村", "unit:财政"]
    assert (edge["weight"], edge["lead_lead"], edge["lead_cooperating"], edge["cooperating_cooperating"]) == (2, 0, 1, 1)


def test_graph_action_projection_joins_actions_by_shared_lead_units():
    projection = action_projection(build_graph(SMALL))
    first, second = "action:000_3906f5c9db5bee8f:1", "action:000_3906f5c9db5bee8f:2"
    assert projection.edges[first, second]["weight"] == 1  # only 工信 leads both
    assert projection.edges[first, second]["shared_leads"] == "工业和信息化局"
    lone = build_graph([{**SMALL[0], "actions": [SMALL[0]["actions"][0],
                                                 {**SMALL[0]["actions"][1], "lead": [unit("县财政局", "财政")]}]}])
    assert action_projection(lone).number_of_edges() == 0


def test_graph_units_csv_counts_match_responsibilities(sample_out):
    with (sample_out / "responsibilities.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    expected = Counter()
    for stem in {Path(r["source"]).stem for r in rows}:
        roles = {}
        for r in sorted((r for r in rows if Path(r["source"]).stem == stem), key=lambda r: r["role"] != "lead"):
            roles.setdefault((r["action_number"], r["unit_canonical"] or r["unit_name"]), r["role"])
        expected.update((stem, key, role) for (_, key), role in roles.items())
    with (sample_out / "graph" / "units.csv").open(encoding="utf-8-sig") as fh:
        measures = list(csv.DictReader(fh))
    found = Counter()
    for m in measures:
        found[(m["notice"], m["unit"], "lead")] += int(m["actions_led"])
        found[(m["notice"], m["unit"], "cooperating")] += int(m["actions_cooperated"])
    assert +found == expected
    for m in measures:
        assert 0 <= float(m["betweenness"]) <= 1 and 0 < float(m["pagerank"]) < 1 and int(m["k_core"]) >= 1


def test_graph_measures_rank_the_lead_unit_first():
    rows = unit_measures(build_graph(SMALL))
    assert [r["display_name"] for r in rows][0] == "工业和信息化局"  # leads both actions
    assert {r["unit"]: r["weighted_degree"] for r in rows} == {"工业和信息化": 4, "农业农村": 4, "财政": 4}


def test_graph_writes_every_export(sample_out):
    for name in EXPORTS:
        assert (sample_out / "graph" / name).stat().st_size > 0, name
    tables = [sample_out / "graph" / n for n in EXPORTS if n.endswith(".csv")]
    tables += sorted((sample_out / "matrices").glob("*.csv"))
    assert len(tables) == 3 + 4 and all(path.read_bytes().startswith(b"\xef\xbb\xbf") for path in tables)


def test_graph_html_works_offline_and_escapes_names():
    hostile = [{**SMALL[0], "actions": [{**SMALL[0]["actions"][0],
                                         "lead": [unit('<script src="http://x.example/a.js"></script>局', None)]}]}]
    page = html_page(build_graph(hostile))
    assert "<script src" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?://""", page)
    assert "&lt;script" in page
    assert page.count("<script>") == 1  # our own, inline


def test_graph_sample_html_has_no_external_resources(sample_out):
    page = (sample_out / "graph" / "responsibility.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"@import|url\(", page)
    assert "县工科局" in page and "工业和信息化局" in page


def test_graph_matplotlib_finds_a_cjk_font_for_every_label(sample_out):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    family = cjk_font()
    assert family, "no CJK font: the pinned mplfonts package should provide Noto Sans CJK SC"
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = FT2Font(path)
    built = build_graph(read_records(sample_out))
    text = "".join(d["label"] for _, d in built.nodes(data=True)) + "牵头配合"
    missing = {c for c in text if not c.isascii() and font.get_char_index(ord(c)) == 0}
    assert not missing


def test_graph_png_draws_without_missing_glyphs(sample_out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = draw(build_graph(read_records(sample_out)))
        figure.canvas.draw()
        plt.close(figure)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_graph_keeps_actions_apart_when_two_lists_restart_numbering():
    record = {**SMALL[0], "actions": SMALL[0]["actions"] + [{**SMALL[0]["actions"][0], "title": "附件：重点任务"}]}
    graph = build_graph([record])
    titles = sorted(d["title"] for _, d in graph.nodes(data=True) if d["kind"] == "action")
    assert titles == ["实施专业镇主导产业壮大行动", "实施专业镇市场主体倍增行动", "附件：重点任务"]
    assert graph.nodes["unit:工业和信息化"]["actions_led"] == 3


@pytest.mark.parametrize("content, message", [
    (None, "no notices.jsonl here"),
    ('{"source": "a.txt", "actions": []}\n{"source": \n', "notices.jsonl:2: not a JSON record"),
])
def test_graph_command_names_the_bad_input(tmp_path, content, message):
    from click.testing import CliRunner

    from pipeline.cli import cli

    if content is not None:
        (tmp_path / "notices.jsonl").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["graph", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output and str(tmp_path) in result.output


def test_graph_command_on_a_run_without_actions_writes_empty_files(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    (tmp_path / "notices.jsonl").write_text('{"source": "a.txt", "actions": []}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["graph", str(tmp_path), "--no-picture"])
    assert result.exit_code == 0, result.output
    assert "0 actions, 0 units" in result.output
    assert not (tmp_path / "graph" / "responsibility.png").exists()
    assert (tmp_path / "graph" / "units.csv").read_text(encoding="utf-8-sig").startswith("notice,")


def test_graph_action_projection_never_joins_two_notices():
    other = {**SMALL[0], "source": "corpora/001_71559f4dc2e04346.txt", "region": {"county": "闻喜县"}}
    projection = action_projection(build_graph([SMALL[0], other]))
    assert projection.number_of_edges() == 2  # 工信 leads actions 1 and 2 in each notice
    assert all(a.split(":")[1] == b.split(":")[1] for a, b in projection.edges)
