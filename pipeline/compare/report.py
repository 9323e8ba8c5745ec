"""``OUT/compare/report.html``: the page an analyst opens first. Self-contained, works offline."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.compare import Comparison
    from pipeline.compare.tables import Table

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2} td.differs,td.changed{background:#fde2c4}
td.lead{background:#1f6fb2;color:#fff} td.cooperating{background:#a9cbe8} td.absent{color:#999}
.bar{display:flex;width:320px;height:14px} .bar span{display:block;height:14px}
.copied{background:#1f6fb2} .localised{background:#6baed6} .rewritten{background:#c6dbef} .new{background:#eee}
small{color:#666}
"""
ROLE_CELL = {"lead": "牵头", "cooperating": "配合", "": "—", None: ""}


def _cell(value: object, css: str = "") -> str:
    shown = "" if value is None else escape(str(value))
    return f'<td class="{css}">{shown}</td>' if css else f"<td>{shown}</td>"


def _amount(value: object, value_max: object, unit: str | None) -> str:
    """A bar as a reader writes it: 1000000000 元 -> 10亿元, 50000000 元 -> 5000万元, 1–2 个.

    >>> _amount(1000000000, None, "元"), _amount(50000000, None, "元"), _amount(1, 2, "个")
    ('10亿元', '5000万元', '1–2个')
    """
    def one(number: object) -> str:
        if unit == "元" and isinstance(number, (int, float)):
            for size, word in ((100_000_000, "亿"), (10_000, "万")):
                if number >= size:
                    return f"{number / size:g}{word}"
        return f"{number:g}" if isinstance(number, float) else str(number)
    return one(value) + (f"–{one(value_max)}" if value_max is not None else "") + (unit or "")


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table><tr>{head}</tr>{''.join('<tr>' + ''.join(r) + '</tr>' for r in rows)}</table>"


def render_report(c: Comparison, tables: dict[str, Table]) -> str:
    labels = c.labels
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>policymap: comparing "
             f"{len(labels)} notices</title><style>{STYLE}</style></head><body>",
             f"<h1>Comparing {len(labels)} notices</h1>"]
    header, rows = tables["notices"]
    parts.append(_table(["label", "source", "doc_number", "title"],
                        [[_cell(r[0]), _cell(r[1]), _cell(r[2]), _cell(r[4])] for r in rows]))

    header, rows = tables["actions_wide"]
    n = len(labels)
    parts.append("<h2>Actions aligned by meaning</h2><p><small>One row per group of actions that do the same "
                 "thing; the number is the action's position in each notice. Empty: that notice has no such "
                 "action.</small></p>")
    parts.append(_table(["group"] + labels + ["min similarity", "also reads like"],
                        [[_cell(r[0])] + [_cell(f"{r[2 + i]}. {r[2 + n + i]}" if r[2 + i] is not None else "")
                                          for i in range(n)] + [_cell(r[-2]), _cell(r[-1])] for r in rows]))

    header, rows = tables["thresholds_wide"]
    parts.append("<h2>Thresholds side by side</h2>")
    body = []
    for r in rows:
        css = "differs" if r[-1] == "true" else ""
        cells = [_cell(r[1]), _cell(r[2])]
        for i in range(n):
            op, value, value_max, unit, year = r[3 + 5 * i: 8 + 5 * i]
            shown = "" if op is None else f"{op} {_amount(value, value_max, unit)}{f' ({year})' if year else ''}"
            cells.append(_cell(shown, css if op is not None else ""))
        body.append(cells + [_cell(r[-1])])  # differs
    parts.append(_table(["metric", "subject"] + labels + ["differs"], body))

    header, rows = tables["roles"]
    changed = [r for r in rows if r[2 + n] == "true"]
    parts.append(f"<h2>Roles that moved</h2><p><small>{len(changed)} of {len(rows)} action × unit rows "
                 "differ between notices (牵头 lead, 配合 cooperating, — not named; blank: the notice lacks the "
                 "action).</small></p>")
    parts.append(_table(["action", "unit"] + labels,
                        [[_cell(r[-1]), _cell(r[1])] + [_cell(ROLE_CELL[r[2 + i] if r[2 + i] != "" else ""],
                                                              r[2 + i] or "absent") for i in range(n)]
                         for r in changed]))

    header, rows = tables["reuse_shares"]
    parts.append("<h2>Text reuse</h2><p><small>Share of each notice's characters copied (identical), localised "
                 "(identical but for places, units and numbers), rewritten (similar sentence, other words) or "
                 "new.</small></p>")
    body = []
    for r in rows:
        bar = "".join(f'<span class="{k}" style="width:{100 * v:.1f}%" title="{k} {v:.1%}"></span>'
                      for k, v in zip(("copied", "localised", "rewritten", "new"), r[5:9]))
        body.append([_cell(r[2]), _cell(r[3]), _cell(r[4])] + [_cell(f"{v:.1%}") for v in r[5:9]]
                    + [f'<td><div class="bar">{bar}</div></td>'])
    parts.append(_table(["notice", "against", "chars", "copied", "localised", "rewritten", "new", ""], body))
    parts.append("<p><small>Files: actions.csv, actions_wide.csv, action_pairs.csv, thresholds.csv, "
                 "thresholds_wide.csv, roles.csv, reuse.csv, reuse_shares.csv, notices.csv.</small></p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
