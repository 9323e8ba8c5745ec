"""The department-responsibility graph: actions, units, and who leads or cooperates on what.

Built from notice records (``notices.jsonl``), never from raw files. The graph is
bipartite: an action node per numbered task (notice, number, title) and a unit node per
canonical unit (its id from ``extractors/data/units.csv``, or the printed name when the
unit is unknown); an edge joins a unit to an action with ``role`` ``lead`` or
``cooperating``. Across notices, unit nodes are shared by canonical id, so 县工信局 (壶关)
and 县工科局 (闻喜) are one node 工业和信息化 and the corpus graph shows which functions
carry the plans. :func:`build_graph` on one record is that notice's graph.

Every attribute is a string, an int, a float or a bool (lists are joined with 、, a
missing value is ""), so GraphML and GEXF hold exactly what networkx holds.

Projections: :func:`unit_projection` (units that share actions, with lead–lead,
lead–cooperating and cooperating–cooperating counts) and :func:`action_projection`
(actions of one notice that share lead units). :func:`unit_measures` gives per-notice measures, and
:func:`write_graph` writes ``OUT/graph/``.
"""

from __future__ import annotations

import html
import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.knowledge import UnitTable, default_knowledge
from pipeline.jsonl import parse_record
from pipeline.matrices import ROLES, UNKNOWN_CATEGORY, action_roles, county_label, notice_keys, unit_key
from pipeline.write import atomic_write, write_csv

if TYPE_CHECKING:  # networkx is imported where a graph is built, so `import pipeline.cli` stays light
    import networkx as nx

log = logging.getLogger(__name__)

ACTION, UNIT = "action", "unit"
JOIN = "、"
# PageRank follows lead edges twice as readily as cooperating ones: leading an action is
# the larger share of the responsibility.
ROLE_WEIGHT = {"lead": 2.0, "cooperating": 1.0}
# Fonts matplotlib can use for Chinese labels, best first. NotoSansCJKsc-Regular.otf ships
# in the mplfonts wheel (pinned in requirements.lock), so a fresh venv always has one.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
BUNDLED_CJK_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
MEASURE_COLUMNS = ["notice", "source", "county", "unit", "display_name", "category", "names", "level",
                   "actions_led", "actions_cooperated", "weighted_degree", "betweenness", "pagerank", "k_core"]


class GraphInputError(ValueError):
    """OUT holds no readable notices.jsonl."""


def read_records(out: Path, keep_text: bool = True) -> list[dict]:
    """The notice records of an OUT folder (or of a notices.jsonl file itself).

    ``keep_text=False`` drops each record's normalised ``text``, the bulk of the file,
    which the graph does not need.
    """
    path = out / "notices.jsonl" if out.is_dir() else out
    if not path.is_file():
        raise GraphInputError(f"{path}: no notices.jsonl here; run `policymap extract` first")
    records = []
    with path.open(encoding="utf-8") as fh:
        for line_number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = parse_record(line)
            except json.JSONDecodeError as err:
                raise GraphInputError(f"{path}:{line_number}: not a JSON record: {err.msg}") from err
            if not keep_text:
                record.pop("text", None)
            records.append(record)
    return records


def action_id(notice: str, number: int) -> str:
    return f"{ACTION}:{notice}:{number}"


def unit_id(key: str) -> str:
    return f"{UNIT}:{key}"


def build_graph(records: Sequence[dict], table: UnitTable | None = None) -> nx.Graph:
    """The bipartite action–unit graph of these notices."""
    import networkx as nx

    table = table or default_knowledge().units
    graph = nx.Graph(name="policymap responsibility graph")
    names: dict[str, list[str]] = {}
    levels: dict[str, list[str]] = {}
    notices: dict[str, list[str]] = {}
    repeats: Counter = Counter()
    for record, notice in zip(records, notice_keys(r["source"] for r in records)):
        county = county_label(record) or ""
        for action in record.get("actions", []):
            node = action_id(notice, action["number"])
            repeats[node] += 1
            if repeats[node] > 1:  # two task lists both numbered from 1: keep both actions apart
                node = f"{node}#{repeats[node]}"
            graph.add_node(node, kind=ACTION, notice=notice, source=record["source"], county=county,
                           number=int(action["number"]), title=action["title"],
                           label=f"{county}{action['number']}.{action['title']}", bipartite=0)
            printed: dict[str, list[str]] = {}
            printed_levels: dict[str, list[str]] = {}
            for role in ROLES:
                for unit in action.get(role, []):
                    key = unit_key(unit)
                    _remember(printed, key, unit["name"])
                    _remember(printed_levels, key, unit.get("level") or "")
                    _remember(names, key, unit["name"])
                    _remember(levels, key, unit.get("level") or "")
                    _remember(notices, key, notice)
                    if not graph.has_node(unit_id(key)):
                        graph.add_node(unit_id(key), **_unit_attributes(key, unit.get("canonical"), table))
            for key, role in action_roles(action).items():
                graph.add_edge(node, unit_id(key), role=role, notice=notice, names=JOIN.join(printed[key]),
                               level=JOIN.join(x for x in printed_levels[key] if x), weight=ROLE_WEIGHT[role])
    for key in names:
        graph.nodes[unit_id(key)].update(names=JOIN.join(names[key]), level=JOIN.join(x for x in levels[key] if x),
                                         notices=JOIN.join(notices[key]))
    for node, data in graph.nodes(data=True):
        if data["kind"] == UNIT:
            roles = Counter(graph.edges[node, action]["role"] for action in graph[node])
            data.update(actions_led=roles["lead"], actions_cooperated=roles["cooperating"])
    return graph


def _remember(seen: dict[str, list[str]], key: str, value: str) -> None:
    values = seen.setdefault(key, [])
    if value not in values:
        values.append(value)


def _unit_attributes(key: str, canonical: str | None, table: UnitTable) -> dict:
    info = table.units.get(canonical) if canonical else None
    return {"kind": UNIT, "unit": key, "canonical": canonical or "", "known": info is not None,
            "label": info.display_name if info else key, "category": info.category if info else UNKNOWN_CATEGORY,
            "bipartite": 1}


def notice_graph(graph: nx.Graph, notice: str, actions: Sequence[str] | None = None) -> nx.Graph:
    """One notice's actions and their units, taken from a corpus graph (unit counts are the corpus's).

    Built edge by edge from the notice's actions: a subgraph view would scan the whole
    neighbourhood of 工信, which every notice shares, once per notice.
    """
    import networkx as nx

    if actions is None:
        actions = [n for n, d in graph.nodes(data=True) if d["kind"] == ACTION and d["notice"] == notice]
    sub = nx.Graph(name=f"{graph.graph.get('name', '')}: {notice}")
    for action in actions:
        sub.add_node(action, **graph.nodes[action])
        for unit, data in graph[action].items():
            if unit not in sub:
                sub.add_node(unit, **graph.nodes[unit])
            sub.add_edge(action, unit, **data)
    return sub


def actions_by_notice(graph: nx.Graph) -> dict[str, list[str]]:
    """Action nodes grouped by notice, notices in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] == ACTION:
            grouped.setdefault(data["notice"], []).append(node)
    return grouped


def unit_projection(graph: nx.Graph) -> nx.Graph:
    """Units joined when they share an action; ``weight`` counts shared actions.

    ``lead_lead``: actions both lead; ``lead_cooperating``: one leads and the other
    cooperates; ``cooperating_cooperating``: both cooperate.
    """
    import networkx as nx

    projection = nx.Graph()
    projection.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d["kind"] == UNIT)
    for action, data in graph.nodes(data=True):
        if data["kind"] != ACTION:
            continue
        members = sorted(graph[action])
        for first, second in combinations(members, 2):
            pair = "_".join(sorted((graph.edges[action, first]["role"], graph.edges[action, second]["role"])))
            if not projection.has_edge(first, second):
                projection.add_edge(first, second, weight=0, lead_lead=0, lead_cooperating=0,
                                    cooperating_cooperating=0)
            edge = projection.edges[first, second]
            edge["weight"] += 1
            edge[{"lead_lead": "lead_lead", "cooperating_lead": "lead_cooperating",
                  "cooperating_cooperating": "cooperating_cooperating"}[pair]] += 1
    return projection


def action_projection(graph: nx.Graph) -> nx.Graph:
    """Actions of one notice joined when they share a lead unit; ``weight`` counts the shared lead units.

    Actions of different notices are never joined: 工业和信息化 in 壶关 and in 闻喜 is the same
    function but not the same office.
    """
    import networkx as nx

    projection = nx.Graph()
    projection.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d["kind"] == ACTION)
    for unit, data in graph.nodes(data=True):
        if data["kind"] != UNIT:
            continue
        led: dict[str, list[str]] = {}
        for action in graph[unit]:
            if graph.edges[action, unit]["role"] == "lead":
                led.setdefault(graph.nodes[action]["notice"], []).append(action)
        for actions in led.values():
            for first, second in combinations(sorted(actions), 2):
                if not projection.has_edge(first, second):
                    projection.add_edge(first, second, weight=0, shared_leads="")
                edge = projection.edges[first, second]
                edge["weight"] += 1
                edge["shared_leads"] = JOIN.join(filter(None, [edge["shared_leads"], data["label"]]))
    return projection


def unit_measures(graph: nx.Graph) -> list[dict]:
    """One row per unit and notice: the measures documented in README (Graph and matrices)."""
    import networkx as nx

    rows = []
    for notice, actions in actions_by_notice(graph).items():
        sub = notice_graph(graph, notice, actions)
        projection = unit_projection(sub)
        betweenness = nx.betweenness_centrality(sub, normalized=True)
        pagerank = nx.pagerank(sub, weight="weight")
        cores = nx.core_number(projection)
        county = next(d["county"] for _, d in sub.nodes(data=True) if d["kind"] == ACTION)
        source = next(d["source"] for _, d in sub.nodes(data=True) if d["kind"] == ACTION)
        notice_rows = []
        for node, data in sub.nodes(data=True):
            if data["kind"] != UNIT:
                continue
            roles = Counter(sub.edges[node, a]["role"] for a in sub[node])
            names = list(dict.fromkeys(n for a in sub[node] for n in sub.edges[node, a]["names"].split(JOIN)))
            levels = dict.fromkeys(x for a in sub[node] for x in sub.edges[node, a]["level"].split(JOIN) if x)
            notice_rows.append({
                "notice": notice, "source": source, "county": county, "unit": data["unit"],
                "display_name": data["label"], "category": data["category"], "names": JOIN.join(names),
                "level": JOIN.join(levels), "actions_led": roles["lead"], "actions_cooperated": roles["cooperating"],
                "weighted_degree": projection.degree(node, weight="weight"),
                "betweenness": round(betweenness[node], 6), "pagerank": round(pagerank[node], 6),
                "k_core": cores[node]})
        rows.extend(sorted(notice_rows, key=lambda r: (-r["pagerank"], r["unit"])))
    return rows


# ---------------------------------------------------------------- layout and pictures

def layout(graph: nx.Graph, table: UnitTable | None = None) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1]²: units in the middle column, actions in the outer columns.

    Units run top to bottom in the unit table's category order, then by the number of
    actions they take part in; the first half of the notices' actions sit on the left,
    the rest on the right (two notices face each other across their shared units), each
    in document order. Deterministic, and no label ever sits on another.
    """
    from pipeline.matrices import category_rank

    table = table or default_knowledge().units
    rank = category_rank(table)
    actions = [n for n, d in graph.nodes(data=True) if d["kind"] == ACTION]
    units = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == UNIT),
                   key=lambda n: (rank.get(graph.nodes[n]["category"], len(rank)), -graph.degree(n), n))
    notices = list(dict.fromkeys(graph.nodes[a]["notice"] for a in actions))
    left_notices = set(notices[: max(1, (len(notices) + 1) // 2)]) if len(notices) > 1 else set(notices)
    left = [a for a in actions if graph.nodes[a]["notice"] in left_notices]
    right = [a for a in actions if graph.nodes[a]["notice"] not in left_notices]
    unit_x = 0.5 if right else 1.0
    positions = {}
    for column, x in ((left, 0.0), (units, unit_x), (right, 1.0)):
        for index, node in enumerate(column):
            positions[node] = (x, 1.0 - index / (len(column) - 1) if len(column) > 1 else 0.5)
    return positions


def cjk_font() -> str | None:
    """The family name of a font matplotlib can draw Chinese with, registering the bundled one if needed."""
    from importlib import resources

    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    package, relative = BUNDLED_CJK_FONT
    try:
        path = Path(str(resources.files(package) / relative))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        log.warning("no CJK font found: install the pinned mplfonts package; Chinese labels will show as boxes")
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


NOTICE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                  "#bcbd22", "#17becf")
UNIT_COLOUR, LEAD_COLOUR, COOPERATING_COLOUR = "#555555", "#c0392b", "#bbbbbb"
# Past this many nodes in one column the PNG drops action titles (the HTML keeps them).
MAX_LABELLED_ROWS = 150


def notice_colours(graph: nx.Graph) -> dict[str, str]:
    notices = list(dict.fromkeys(d["notice"] for _, d in graph.nodes(data=True) if d["kind"] == ACTION))
    return {n: NOTICE_COLOURS[i % len(NOTICE_COLOURS)] for i, n in enumerate(notices)}


def draw(graph: nx.Graph, ax=None, positions: dict | None = None):
    """Draw the graph with matplotlib (Chinese labels in a CJK font); returns the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    family = cjk_font()
    positions = positions or layout(graph)
    rows = max(Counter(x for x, _ in positions.values()).values(), default=1)
    if ax is None:
        figure, ax = plt.subplots(figsize=(16, max(6.0, min(0.42 * rows, 80.0))), dpi=100)
    else:
        figure = ax.figure
    colours = notice_colours(graph)
    font = family or "sans-serif"
    # One collection per role and one scatter per kind: thousands of single plot() calls take minutes.
    for role, colour, width, alpha, order in (("cooperating", COOPERATING_COLOUR, 0.5, 0.6, 1),
                                              ("lead", LEAD_COLOUR, 1.3, 0.85, 2)):
        segments = [(positions[a], positions[b]) for a, b, r in graph.edges(data="role") if r == role]
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width, alpha=alpha, zorder=order))
    actions = [(n, d) for n, d in graph.nodes(data=True) if d["kind"] == ACTION]
    units = [(n, d) for n, d in graph.nodes(data=True) if d["kind"] == UNIT]
    if actions:
        ax.scatter([positions[n][0] for n, _ in actions], [positions[n][1] for n, _ in actions], s=40, marker="s",
                   c=[colours[d["notice"]] for _, d in actions], zorder=3)
    if units:
        ax.scatter([positions[n][0] for n, _ in units], [positions[n][1] for n, _ in units],
                   s=[30 + 22 * d["actions_led"] + 5 * d["actions_cooperated"] for _, d in units],
                   color=UNIT_COLOUR, alpha=0.9, zorder=4)
    if rows <= MAX_LABELLED_ROWS:
        for node, data in actions:
            x, y = positions[node]
            on_left = x < 0.5
            ax.annotate(f"{data['county']} {data['number']}. {data['title']}", (x, y), fontsize=8,
                        ha="right" if on_left else "left", va="center", xytext=(-6 if on_left else 6, 0),
                        textcoords="offset points", fontfamily=font, color=colours[data["notice"]])
    for node, data in units:
        ax.annotate(f"{data['label']}（牵头{data['actions_led']}·配合{data['actions_cooperated']}）", positions[node],
                    fontsize=8, ha="center", va="bottom", xytext=(0, 4), textcoords="offset points",
                    fontfamily=font, zorder=5, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                                    "alpha": 0.85})
    ax.set_title("牵头（红线）与配合（灰线）：方块为行动，圆点为单位（按类别排列）", fontfamily=font)
    ax.set_xlim(-0.55, 1.55)
    ax.set_ylim(-0.03, 1.04)
    ax.set_axis_off()
    return figure


def html_page(graph: nx.Graph, positions: dict | None = None) -> str:
    """A self-contained page: inline SVG, hover titles, click a node to show its neighbours, a notice filter."""
    positions = positions or layout(graph)
    rows = max(Counter(x for x, _ in positions.values()).values(), default=1)
    width, height, side, top = 1400, max(500, 26 * rows + 80), 360, 40
    colours = notice_colours(graph)

    def xy(node: str) -> tuple[float, float]:
        x, y = positions[node]
        return side + x * (width - 2 * side), top + (1 - y) * (height - 2 * top)

    esc = html.escape
    parts = []
    for first, second, data in sorted(graph.edges(data=True), key=lambda e: e[2]["role"] == "lead"):
        (x1, y1), (x2, y2) = xy(first), xy(second)
        lead = data["role"] == "lead"
        parts.append(f'<line class="edge {esc(data["role"])}" data-a="{esc(first)}" data-b="{esc(second)}" '
                     f'data-notice="{esc(data["notice"])}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="{LEAD_COLOUR if lead else COOPERATING_COLOUR}" stroke-width="{1.6 if lead else 0.7}">'
                     f'<title>{esc(data["names"])} — {"牵头" if lead else "配合"}</title></line>')
    for node, data in graph.nodes(data=True):
        x, y = xy(node)
        if data["kind"] == ACTION:
            on_left = positions[node][0] < 0.5
            tip = f'{data["county"]} {data["number"]}. {data["title"]}'
            parts.append(f'<g class="node action" data-id="{esc(node)}" data-notice="{esc(data["notice"])}">'
                         f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
                         f'fill="{colours[data["notice"]]}"/><text x="{x + (-9 if on_left else 9):.1f}" '
                         f'y="{y + 4:.1f}" text-anchor="{"end" if on_left else "start"}" '
                         f'fill="{colours[data["notice"]]}">{esc(tip)}</text><title>{esc(tip)}</title></g>')
        else:
            radius = 4 + 1.4 * data["actions_led"] + 0.35 * data["actions_cooperated"]
            tip = (f'{data["label"]}（{data["category"]}）\n如文：{data["names"]}\n'
                   f'牵头 {data["actions_led"]} 项，配合 {data["actions_cooperated"]} 项')
            parts.append(f'<g class="node unit" data-id="{esc(node)}" data-notice="{esc(data["notices"])}">'
                         f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{UNIT_COLOUR}"/>'
                         f'<text class="unit-label" x="{x:.1f}" y="{y - radius - 3:.1f}" text-anchor="middle">'
                         f'{esc(data["label"])}</text><title>{esc(tip)}</title></g>')
    county = {d["notice"]: d["county"] for _, d in graph.nodes(data=True) if d["kind"] == ACTION}
    names = {n: f"{county[n]}（{n}）" if county[n] else n for n in colours}
    options = "".join(f'<option value="{esc(n)}">{esc(names[n])}</option>' for n in colours)
    legend = "".join(f'<span style="color:{c}">■ {esc(names[n])}</span> ' for n, c in colours.items())
    return HTML_TEMPLATE.format(width=width, height=height, svg="\n".join(parts), options=options, legend=legend,
                                nodes=graph.number_of_nodes(), edges=graph.number_of_edges())


# No external scripts, styles or fonts: the page must open from a USB stick on an offline laptop.
HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>policymap: 牵头与配合单位</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 1em; }}
svg {{ border: 1px solid #ddd; background: #fff; }}
.node text {{ font-size: 12px; pointer-events: none; }}
.unit-label {{ paint-order: stroke; stroke: #fff; stroke-width: 3px; }}
.node {{ cursor: pointer; }}
.dim {{ opacity: 0.08; }}
.hidden {{ display: none; }}
</style></head><body>
<h1>牵头与配合单位</h1>
<p>{nodes} nodes, {edges} edges. Red: 牵头 (lead); grey: 配合 (cooperating). Squares are actions, circles units.
Hover for details, click a node to show only its neighbours, click the background to reset.</p>
<p>Notice: <select id="notice"><option value="">all</option>{options}</select> {legend}</p>
<svg id="graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}">
{svg}
</svg>
<script>
(function () {{
  var svg = document.getElementById("graph");
  var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
  var select = document.getElementById("notice");
  function inNotice(element, notice) {{
    return !notice || element.getAttribute("data-notice").split("、").indexOf(notice) >= 0;
  }}
  function focus(id) {{
    var keep = {{}};
    keep[id] = true;
    edges.forEach(function (e) {{
      var hit = e.getAttribute("data-a") === id || e.getAttribute("data-b") === id;
      if (hit) {{ keep[e.getAttribute("data-a")] = true; keep[e.getAttribute("data-b")] = true; }}
      e.classList.toggle("dim", !hit);
    }});
    nodes.forEach(function (n) {{ n.classList.toggle("dim", !keep[n.getAttribute("data-id")]); }});
  }}
  function reset() {{
    edges.concat(nodes).forEach(function (x) {{ x.classList.remove("dim"); }});
  }}
  nodes.forEach(function (n) {{
    n.addEventListener("click", function (event) {{ event.stopPropagation(); focus(n.getAttribute("data-id")); }});
  }});
  svg.addEventListener("click", reset);
  select.addEventListener("change", function () {{
    edges.concat(nodes).forEach(function (x) {{ x.classList.toggle("hidden", !inNotice(x, select.value)); }});
  }});
}})();
</script>
</body></html>
"""


# ---------------------------------------------------------------- OUT/graph

def write_graph(out: Path, records: Sequence[dict] | None = None, picture: bool = True) -> nx.Graph:
    """Write OUT/graph/: GraphML, GEXF, node-link JSON, HTML, PNG, units.csv and the projections."""
    import networkx as nx

    records = read_records(out, keep_text=False) if records is None else records
    folder = out / "graph"
    graph = build_graph(records)
    positions = layout(graph)
    _write_text(folder / "responsibility.graphml", nx.generate_graphml(graph))
    _write_text(folder / "responsibility.gexf", nx.generate_gexf(graph))
    data = nx.node_link_data(graph, edges="edges")
    atomic_write(folder / "responsibility.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    atomic_write(folder / "responsibility.html", html_page(graph, positions))
    rows = unit_measures(graph)
    write_csv(folder / "units.csv", MEASURE_COLUMNS, ([r[c] for c in MEASURE_COLUMNS] for r in rows))
    write_csv(folder / "unit_pairs.csv",
              ["notice", "unit_a", "unit_b", "shared_actions", "lead_lead", "lead_cooperating",
               "cooperating_cooperating"],
              _unit_pairs(graph))
    actions = action_projection(graph)
    write_csv(folder / "action_pairs.csv", ["action_a", "title_a", "action_b", "title_b", "shared_leads", "units"],
              ([first, actions.nodes[first]["label"], second, actions.nodes[second]["label"], d["weight"],
                d["shared_leads"]] for first, second, d in sorted(actions.edges(data=True))))
    if picture:
        _write_png(folder / "responsibility.png", graph, positions)
    return graph


def _unit_pairs(graph: nx.Graph) -> Iterable[list]:
    """Per notice, the units that share actions, most shared first."""
    for notice, actions in actions_by_notice(graph).items():
        projection = unit_projection(notice_graph(graph, notice, actions))
        for first, second, data in sorted(projection.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1])):
            yield [notice, projection.nodes[first]["unit"], projection.nodes[second]["unit"], data["weight"],
                   data["lead_lead"], data["lead_cooperating"], data["cooperating_cooperating"]]


def _write_text(path: Path, lines: Iterable[str]) -> None:
    atomic_write(path, "\n".join(lines) + "\n")


def _write_png(path: Path, graph: nx.Graph, positions: dict) -> None:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = draw(graph, positions=positions)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    atomic_write(path, buffer.getvalue())
