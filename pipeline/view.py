"""A page an analyst can check a notice against: displaCy over the normalised text.

Units are coloured by role (lead / cooperating; other mentions found by the unit pipeline
in grey) with their canonical id in the label and on hover, thresholds carry their
normalised value (≥ 1000000000 元), action headings their number; the notice's warnings
(unknown units among them) are listed above the text. The page is one
self-contained HTML file: no fonts, scripts or styles are fetched from anywhere.

Reads notice records (the objects of ``notices.jsonl``), so it works the same on a fresh
extraction, on ``--resume`` output and on results from worker processes.
"""

from __future__ import annotations

import html
import logging
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

log = logging.getLogger(__name__)

VIEW_DIR = "view"
COLOURS = {"lead": "#f6bd60", "cooperating": "#a8dadc", "unit": "#e5e5e5", "threshold": "#b7e4c7",
           "action": "#cdb4db"}
ROLE_WORDS = {"lead": "牵头", "cooperating": "配合"}
OP_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "~": "≈", "range": ""}
# Which mark wins where two overlap: headings, then units in a role, thresholds, other units.
PRIORITY = {"action": 0, "lead": 1, "cooperating": 1, "threshold": 2, "unit": 3}
# displaCy's entity template with a hover title; {bg} and {title} come from each span's params.
ENT_TEMPLATE = (
    '<mark class="entity" title="{title}" style="background: {bg}; padding: 0.25em 0.45em; margin: 0 0.15em; '
    'line-height: 1; border-radius: 0.35em;">{text}<span style="font-size: 0.72em; font-weight: bold; '
    'line-height: 1; vertical-align: middle; margin-left: 0.4rem">{label}{kb_link}</span></mark>'
)
LEGEND = "".join(
    f'<mark style="background: {COLOURS[kind]}; padding: 0.2em 0.5em; margin-right: 0.6em; border-radius: 0.35em">'
    f"{word}</mark>"
    for kind, word in (("action", "行动标题"), ("lead", "牵头单位"), ("cooperating", "配合单位"),
                       ("unit", "其他单位"), ("threshold", "阈值（规范值）")))


def _number(value) -> str:
    if value is None:
        return ""
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number == number.to_integral_value() else str(value)


def threshold_label(threshold: dict) -> str:
    """The normalised reading of a threshold: ``≥ 1000000000 元``, ``1–2 个 · 2025年``.

    >>> threshold_label({"op": ">=", "value": 1000000000, "value_max": None, "unit": "元", "year": None})
    '≥ 1000000000 元'
    >>> threshold_label({"op": "range", "value": 1, "value_max": 2, "unit": "个", "year": 2025})
    '1–2 个 · 2025年'
    """
    if threshold.get("op") == "range":
        value = f"{_number(threshold.get('value'))}–{_number(threshold.get('value_max'))}"
    else:
        value = f"{OP_SIGNS.get(threshold.get('op'), threshold.get('op') or '')} {_number(threshold.get('value'))}"
    label = f"{value} {threshold.get('unit') or ''}".strip()
    return label + (f" · {threshold['year']}年" if threshold.get("year") else "")


def _mark(start: int, end: int, kind: str, label: str, title: str) -> dict:
    return {"start": start, "end": end, "label": label,
            "params": {"bg": COLOURS[kind], "title": html.escape(title, quote=True)}, "kind": kind}


def marks_of(record: dict, mentions: Iterable | None = None) -> list[dict]:
    """displaCy spans for a record: action headings, role units, thresholds, other units.

    ``mentions`` are :class:`extractors.unit_ner.FoundUnit` s of the record's text (units
    named outside the responsibility clauses). Overlaps are resolved by :data:`PRIORITY`.
    """
    text = record.get("text") or ""
    marks = []
    for action in record.get("actions") or []:
        if action.get("title_span"):
            start, end = action["title_span"]
            marks.append(_mark(start, end, "action", f"行动 {action['number']}", f"action {action['number']}"))
        for role in ("lead", "cooperating"):
            for unit in action.get(role) or []:
                if not unit.get("span"):
                    continue
                canonical = unit.get("canonical")
                title = f"{role}: {canonical or 'unknown unit (canonical null)'}" + (
                    f" · {unit['level']}" if unit.get("level") else "")
                marks.append(_mark(*unit["span"], role, f"{ROLE_WORDS[role]}·{canonical or '?'}", title))
    for threshold in record.get("thresholds") or []:
        if threshold.get("span"):
            label = threshold_label(threshold)
            title = f"{threshold.get('metric') or ''} {label}".strip() + f" ({threshold.get('rule') or ''})"
            marks.append(_mark(*threshold["span"], "threshold", label, title))
    for unit in mentions or ():
        marks.append(_mark(*unit.span, "unit", f"单位·{unit.canonical or '?'}",
                           f"unit: {unit.canonical or 'unknown'} ({unit.rule})"))
    chosen: list[dict] = []
    taken: set[int] = set()
    for mark in sorted(marks, key=lambda m: (PRIORITY[m["kind"]], m["start"], -(m["end"] - m["start"]))):
        cells = set(range(mark["start"], mark["end"]))
        if mark["end"] <= len(text) and mark["start"] < mark["end"] and not cells & taken:
            chosen.append(mark)
            taken |= cells
    return sorted(chosen, key=lambda m: m["start"])


def render_record(record: dict, nlp=None) -> str:
    """One self-contained HTML page for a notice record.

    ``nlp`` is the unit pipeline (default: :func:`extractors.unit_ner.unit_nlp`), which finds
    the units named outside the responsibility clauses.
    """
    from spacy import displacy

    from extractors.unit_ner import find_units

    text = record.get("text") or ""
    marks = marks_of(record, find_units(text, nlp=nlp))
    title = record.get("title") or record.get("source") or ""
    page = displacy.render(
        {"text": text, "ents": [{k: m[k] for k in ("start", "end", "label", "params")} for m in marks],
         "title": html.escape(title)},
        # jupyter=False: inside a notebook displaCy would display the page and return None.
        style="ent", manual=True, page=True, minify=True, jupyter=False,
        options={"template": ENT_TEMPLATE, "colors": {}},
    )
    counts = Counter(m["kind"] for m in marks)
    summary = (f"{html.escape(str(record.get('source') or ''))} · {counts['action']} actions, "
               f"{counts['lead']} lead and {counts['cooperating']} cooperating units, "
               f"{counts['threshold']} thresholds, {counts['unit']} other unit mentions")
    warnings = "".join(f"<li>{html.escape(str(w))}</li>" for w in record.get("warnings") or [])
    if warnings:
        summary += f'<ul style="color: #9a3412">{warnings}</ul>'
    head = f'<meta charset="utf-8"><title>{html.escape(title)}</title>'
    page = page.replace("<title>displaCy</title>", head, 1).replace('<html lang="en">', '<html lang="zh">', 1)
    return page.replace('<div class="entities"', f'<p style="font-size: 0.85em">{LEGEND}</p>'
                        f'<div style="font-size: 0.85em; color: #555">{summary}</div><div class="entities"', 1)


def view_stems(records: list[dict]) -> list[str]:
    """File stems for the pages, made unique when two inputs share one."""
    seen: Counter = Counter()
    stems = []
    for record in records:
        stem = Path(str(record.get("source") or "notice")).stem
        seen[stem] += 1
        stems.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return stems


def write_views(out: Path) -> list[Path]:
    """OUT/view/<stem>.html for every notice of OUT/notices.jsonl; returns the pages written."""
    from pipeline.store import iter_records
    from pipeline.write import atomic_write

    records = list(iter_records(out / "notices.jsonl"))
    pages = []
    for record, stem in zip(records, view_stems(records)):
        page = out / VIEW_DIR / f"{stem}.html"
        atomic_write(page, render_record(record))
        pages.append(page)
    log.info("%d notice views -> %s", len(pages), out / VIEW_DIR)
    return pages
