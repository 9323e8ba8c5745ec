"""The Python API for notebooks: one OUT folder as pandas DataFrames and a networkx graph.

>>> from pipeline import load                                    # doctest: +SKIP
>>> run = load("outputs")                                        # doctest: +SKIP
>>> run.responsibilities.query("role == 'lead'").unit_canonical.value_counts()  # doctest: +SKIP

Everything is read from ``OUT/notices.jsonl`` (the records), never from raw files or the
CSVs, and built on first use: pandas, networkx and matplotlib are imported only when a
table, the graph or a picture is asked for.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.graph import read_records
from pipeline.matrices import county_label, notice_keys

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

NOTICE_COLUMNS = ["notice", "source", "doc_number", "issuer", "title", "plan_title", "signed_date", "published_date",
                  "province", "city", "county", "status", "actions", "thresholds", "warnings"]
THRESHOLD_COLUMNS = ["notice", "source", "doc_number", "county", "metric", "subject", "op", "value", "value_max",
                     "unit", "year", "text", "span_start", "span_end", "rule"]
ACTION_COLUMNS = ["notice", "source", "doc_number", "county", "number", "title", "lead", "cooperating",
                  "span_start", "span_end"]
RESPONSIBILITY_COLUMNS = ["notice", "source", "doc_number", "county", "action_number", "action_title", "unit_name",
                          "unit_canonical", "role", "unit_level"]


def load(out: str | Path) -> PolicyRun:
    """Open an OUT folder written by ``policymap extract`` (raises GraphInputError when it has no records)."""
    return PolicyRun(Path(out))


class PolicyRun:
    """The results in one OUT folder. ``notice`` everywhere is the input's file stem (unique per run)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.records: list[dict] = read_records(out)
        self.notice_keys: list[str] = notice_keys(r["source"] for r in self.records)

    def __repr__(self) -> str:
        return f"PolicyRun({str(self.out)!r}, notices={len(self.records)})"

    def _rows(self):
        return zip(self.notice_keys, self.records)

    @cached_property
    def notices(self) -> pd.DataFrame:
        """One row per notice: header facts, region, status and how many actions, thresholds, warnings."""
        import pandas as pd

        rows = []
        for notice, record in self._rows():
            region = record.get("region") or {}
            rows.append([notice, record["source"], record.get("doc_number"), record.get("issuer"),
                         record.get("title"), record.get("plan_title"), record.get("signed_date"),
                         record.get("published_date"), region.get("province"), region.get("city"),
                         county_label(record), record.get("status"), len(record.get("actions", [])),
                         len(record.get("thresholds", [])), len(record.get("warnings", []))])
        return pd.DataFrame(rows, columns=NOTICE_COLUMNS)

    @cached_property
    def thresholds(self) -> pd.DataFrame:
        """One row per threshold (values are numbers in base units: 元, %, 人, 家, 个)."""
        import pandas as pd

        rows = [[notice, record["source"], record.get("doc_number"), county_label(record), t.get("metric"),
                 t.get("subject"), t["op"], t["value"], t.get("value_max"), t["unit"], t.get("year"), t["text"],
                 t["span"][0], t["span"][1], t.get("rule")]
                for notice, record in self._rows() for t in record.get("thresholds", [])]
        return pd.DataFrame(rows, columns=THRESHOLD_COLUMNS)

    @cached_property
    def actions(self) -> pd.DataFrame:
        """One row per action; ``lead`` and ``cooperating`` list the units as printed, joined with 、."""
        import pandas as pd

        rows = [[notice, record["source"], record.get("doc_number"), county_label(record), a["number"], a["title"],
                 "、".join(u["name"] for u in a.get("lead", [])),
                 "、".join(u["name"] for u in a.get("cooperating", [])), a["span"][0], a["span"][1]]
                for notice, record in self._rows() for a in record.get("actions", [])]
        return pd.DataFrame(rows, columns=ACTION_COLUMNS)

    @cached_property
    def responsibilities(self) -> pd.DataFrame:
        """One row per action × unit × role (``lead`` or ``cooperating``), as in responsibilities.csv."""
        import pandas as pd

        rows = [[notice, record["source"], record.get("doc_number"), county_label(record), a["number"], a["title"],
                 u["name"], u.get("canonical"), role, u.get("level")]
                for notice, record in self._rows() for a in record.get("actions", [])
                for role in ("lead", "cooperating") for u in a.get(role, [])]
        return pd.DataFrame(rows, columns=RESPONSIBILITY_COLUMNS)

    def notice(self, which: str) -> str:
        """The notice key for a stem, a source path or a county name (KeyError when none or several match)."""
        if which in self.notice_keys:
            return which
        matches = [key for key, record in self._rows()
                   if which in (record["source"], Path(record["source"]).name, county_label(record))]
        if len(matches) != 1:
            raise KeyError(f"{which!r} names {'no' if not matches else 'more than one'} notice in {self.out}; "
                           f"notices: {', '.join(self.notice_keys)}")
        return matches[0]

    def graph(self, notice: str | None = None) -> nx.Graph:
        """The bipartite action–unit graph (pipeline/graph.py), of the whole run or of one notice."""
        from pipeline.graph import build_graph

        if notice is None:
            return self._graph.copy()
        key = self.notice(notice)
        return build_graph([record for k, record in self._rows() if k == key])

    @cached_property
    def _graph(self) -> nx.Graph:
        from pipeline.graph import build_graph

        return build_graph(self.records)

    @cached_property
    def units(self) -> pd.DataFrame:
        """Per unit and notice: actions led and cooperated, weighted degree, betweenness, PageRank, k-core."""
        import pandas as pd

        from pipeline.graph import MEASURE_COLUMNS, unit_measures

        return pd.DataFrame(unit_measures(self._graph), columns=MEASURE_COLUMNS)

    def matrix(self, notice: str) -> pd.DataFrame:
        """Actions × units of one notice (牵头 / 配合 / ""), columns as in matrices/<stem>.csv."""
        import pandas as pd

        from pipeline.matrices import matrix_rows, notice_columns

        key = self.notice(notice)
        record = self.records[self.notice_keys.index(key)]
        columns = notice_columns(record)
        frame = pd.DataFrame(matrix_rows(record, columns), columns=["number", "title"] + [c.header for c in columns])
        return frame.set_index(["number", "title"])

    def draw(self, notice: str | None = None, ax=None):
        """The graph picture (as OUT/graph/responsibility.png), of the whole run or of one notice."""
        from pipeline.graph import draw

        return draw(self.graph(notice), ax=ax)
