"""The tables of ``OUT/compare/``: fixed columns first (CONTRACT.md), extra columns after.

Per-notice columns are named by the notice's label (its county, see ``notice_labels``);
``compare/notices.csv`` maps each label to its source file.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.compare.reuse import KINDS, Passages, text_shares
from pipeline.compare.text import first_seen
from pipeline.compare.thresholds import WIDE_FIELDS, differs

if TYPE_CHECKING:
    from pipeline.compare import Comparison

Table = tuple[list[str], list[list]]


def county(record: dict) -> str | None:
    region = record.get("region") or {}
    return region.get("county") or region.get("city")


def build_tables(c: Comparison) -> dict[str, Table]:
    return {name: build(c) for name, build in TABLES.items()}


def notices_table(c: Comparison) -> Table:
    header = ["label", "source", "doc_number", "county", "title", "actions", "thresholds", "role"]
    rows = [[label, r["source"], r.get("doc_number"), county(r), r.get("title"), len(r.get("actions", [])),
             len(r.get("thresholds", [])), "notice"] for label, r in zip(c.labels, c.records)]
    if c.template:
        t = c.template
        rows.append([c.template_label, t["source"], t.get("doc_number"), county(t), t.get("title"),
                     len(t.get("actions", [])), len(t.get("thresholds", [])), "template"])
    return header, rows


def _group_sizes(c: Comparison) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for row in c.actions:
        sizes[row.group] += 1
    return sizes


def actions_table(c: Comparison) -> Table:
    header = ["group", "source", "doc_number", "county", "action_number", "action_title", "similarity",
              "group_title", "notices_in_group", "related_groups"]
    sizes = _group_sizes(c)
    rows = []
    for row in c.actions:
        record = c.records[row.notice]
        rows.append([row.group, record["source"], record.get("doc_number"), county(record), row.number, row.title,
                     row.similarity, row.group_title, sizes[row.group], " ".join(row.related)])
    return header, rows


def actions_wide_table(c: Comparison) -> Table:
    """One row per action group: each notice's action number and heading; ``related`` names the
    groups some member also reads like (a county that merged two actions)."""
    header = ["group", "group_title"] + [f"{label} number" for label in c.labels] + \
             [f"{label} title" for label in c.labels] + ["notices", "min_similarity", "related"]
    by_group: dict[str, dict[int, object]] = {}
    titles: dict[str, str] = {}
    for row in c.actions:
        by_group.setdefault(row.group, {})[row.notice] = row
        titles[row.group] = row.group_title
    rows = []
    for group, members in by_group.items():
        similarities = [m.similarity for m in members.values() if m.similarity is not None]
        rows.append([group, titles[group]]
                    + [members[n].number if n in members else None for n in range(len(c.labels))]
                    + [members[n].title if n in members else None for n in range(len(c.labels))]
                    + [len(members), min(similarities) if similarities else None,
                       "、".join(titles[g] for g in sorted({g for m in members.values() for g in m.related}))])
    return header, rows


ACTION_PAIRS_HEADER = ("group", "source_a", "action_a", "title_a", "source_b", "action_b", "title_b", "similarity")


def action_pairs_table(c: Comparison) -> Table:
    """Every pair the assignment matched: the similarity behind each group."""
    header = list(ACTION_PAIRS_HEADER)
    # Per action, its group and its cells, looked up once (10,000 notices match half a million pairs).
    cells = {(row.notice, row.index): (row.group, c.records[row.notice]["source"], row.number,
                                       c.records[row.notice]["actions"][row.index].get("title"))
             for row in c.actions}
    rows = []
    for notice_a, item_a, notice_b, item_b, similarity in c.action_matches.rows():
        group_a, source_a, number_a, title_a = cells[(notice_a, item_a)]
        group_b, source_b, number_b, title_b = cells[(notice_b, item_b)]
        rows.append([group_a if group_a == group_b else None, source_a, number_a, title_a, source_b, number_b,
                     title_b, round(similarity, 4)])
    return header, rows


def write_action_pairs_csv(path: Path, c: Comparison, chunk: int = 65536) -> None:
    """action_pairs.csv byte for byte as ``write_csv`` writes ``action_pairs_table`` (UTF-8 with
    BOM, CRLF, formula-safe cells, atomic), each action's cells and each similarity formatted
    once: 10,000 notices match 850,000 pairs, and the csv module's per-row cost was seconds."""
    from pipeline.compare.align import item_numbers
    from pipeline.write import atomic_open, csv_header, csv_text_cell, release_written

    def cell(value: object) -> str:  # as csv_rows writes one cell of a row of several
        return "" if value is None else csv_text_cell(value) if isinstance(value, str) else str(value)

    items = [(row.notice, row.index) for row in c.actions]
    _, group_number = first_seen(row.group for row in c.actions)
    group_cells = [cell(row.group) for row in c.actions]
    cells = [",".join(cell(value) for value in (c.records[row.notice]["source"], row.number,
                                                 c.records[row.notice]["actions"][row.index].get("title")))
             for row in c.actions]
    numbers_a, numbers_b = item_numbers(items, c.action_matches)
    similarity = c.action_matches.columns["similarity"]
    with atomic_open(path) as fh:
        fh.write(csv_header(ACTION_PAIRS_HEADER))
        for first in range(0, len(numbers_a), chunk):
            part_a, part_b = numbers_a[first:first + chunk], numbers_b[first:first + chunk]
            same = (group_number[part_a] == group_number[part_b]).tolist()
            # Each distinct similarity rounded and formatted once (Python's round, as the table's).
            values, at = np.unique(similarity[first:first + chunk], return_inverse=True)
            texts = np.array([repr(round(value, 4)) for value in values.tolist()], dtype=object)[at].tolist()
            fh.write("".join([f"{group_cells[a] if alike else ''},{cells[a]},{cells[b]},{text}\r\n"
                              for a, b, alike, text in zip(part_a.tolist(), part_b.tolist(), same, texts)]))
            release_written(fh)  # 10,000 notices: 150 MB


def thresholds_table(c: Comparison) -> Table:
    header = ["group", "source", "doc_number", "county", "metric", "subject", "op", "value", "unit", "year",
              "value_max", "text", "similarity"]
    rows = []
    for row in c.thresholds:
        record = c.records[row.notice]
        t = record["thresholds"][row.index]
        rows.append([row.group, record["source"], record.get("doc_number"), county(record), t.get("metric"),
                     t.get("subject"), t.get("op"), t.get("value"), t.get("unit"), t.get("year"), t.get("value_max"),
                     t.get("text"), row.similarity])
    return header, rows


def thresholds_wide_table(c: Comparison) -> Table:
    """One row per bar: op / value / value_max / unit / year per notice, and whether they differ."""
    header = ["group", "metric", "subject"] + [f"{label} {name}" for label in c.labels for name in WIDE_FIELDS] \
        + [f"{label} text" for label in c.labels] + ["notices", "differs"]
    by_group: dict[str, dict[int, dict]] = {}
    for row in c.thresholds:
        by_group.setdefault(row.group, {})[row.notice] = c.records[row.notice]["thresholds"][row.index]
    rows = []
    for group, members in by_group.items():
        first = members[min(members)]
        cells = []
        for n in range(len(c.labels)):
            cells += [members[n].get(name) if n in members else None for name in WIDE_FIELDS]
        texts = [members[n].get("text") if n in members else None for n in range(len(c.labels))]
        values = [tuple(t.get(name) for name in WIDE_FIELDS) for t in members.values()]
        rows.append([group, first.get("metric"), first.get("subject")] + cells + texts
                    + [len(members), "true" if differs(values) else "false"])
    return header, rows


def roles_table(c: Comparison) -> Table:
    header = ["group", "unit_canonical"] + list(c.labels) + ["changed", "group_title"]
    # None (the notice lacks the action) is an empty cell in the CSV and None in a DataFrame.
    rows = [[row.group, row.unit] + list(row.roles)
            + ["true" if row.changed else "false", row.group_title] for row in c.roles]
    return header, rows


def _source(c: Comparison, index: int) -> str:
    return c.records[index]["source"] if index < len(c.records) else c.template["source"]


def _text(c: Comparison, index: int) -> str:
    return (c.records[index] if index < len(c.records) else c.template).get("text") or ""


REUSE_HEADER = ["source_a", "start_a", "end_a", "source_b", "start_b", "end_b", "kind", "similarity",
                "text_a", "text_b"]


def reuse_rows(c: Comparison, chunk: int = 65536) -> Iterator[list]:
    """The rows of reuse.csv one at a time: a thousand notices reuse ~600,000 passages, and their
    texts as rows would take a gigabyte held at once."""
    sources = [_source(c, n) for n in range(len(c.records) + (1 if c.template else 0))]
    texts = [_text(c, n) for n in range(len(sources))]
    columns = c.passages.columns
    for first in range(0, len(c.passages), chunk):
        part = [columns[name][first:first + chunk].tolist()
                for name in ("a", "start_a", "end_a", "b", "start_b", "end_b", "kind", "similarity")]
        for a, start_a, end_a, b, start_b, end_b, kind, similarity in zip(*part):
            yield [sources[a], start_a, end_a, sources[b], start_b, end_b, KINDS[kind], similarity,
                   texts[a][start_a:end_a], texts[b][start_b:end_b]]


# Rows of reuse.csv formatted and written at once.
REUSE_CHUNK = 65536


def write_reuse_csv(path: Path, records: list[dict], template: dict | None, passages: Passages,
                    chunk: int = REUSE_CHUNK, chunks: Iterable[int] | None = None) -> None:
    """reuse.csv of ``passages`` (notice indices into ``records``, then the template) byte for byte
    as ``write_csv`` writes it (UTF-8 with BOM, CRLF, formula-safe cells, atomic), a chunk of rows
    at a time (see reuse_csv.py: 10,000 notices reuse millions of passages). ``chunks``: the
    numbers of the chunks to write (default all; see reuse_csv_parts)."""
    from pipeline.write import atomic_open, release_written

    with atomic_open(path, binary=True) as fh:
        for data in reuse_csv_parts(records, template, passages, chunks, chunk):
            fh.write(data)
            release_written(fh)


def reuse_csv_parts(records: list[dict], template: dict | None, passages: Passages, chunks: Iterable[int] | None = None,
                    chunk: int = REUSE_CHUNK, header: bool = True) -> Iterator[bytes | memoryview]:
    """reuse.csv as pieces of bytes: the BOM and header (``header``), then each chunk of rows
    (``chunks``: their numbers, default all; rows chunk × number onwards), formatted on its own."""
    from pipeline.compare.reuse_csv import ReuseCsvRows
    from pipeline.write import csv_header

    rows = ReuseCsvRows(records, template, passages)
    if header:
        yield csv_header(REUSE_HEADER).encode("utf-8")
    for number in range(-(-len(passages) // chunk)) if chunks is None else chunks:
        yield rows.rows(number * chunk, chunk)


# Chunks of reuse.csv below which finish() leaves them all to the writer: writing any here first
# lays out the texts again (ReuseCsvRows: ~2 s at 10,000 notices, twenty chunks' worth).
TAKE_MIN_CHUNKS = 20


class BackgroundReuseCsv:
    """reuse.csv written by a forked process while this one goes on, chunk after chunk; when this
    one is done with its own work, ``finish()`` takes half of the chunks the writer has not begun,
    writes them to a file of its own, waits for the writer and appends them: the file is what
    ``write_reuse_csv`` writes, and neither process is left alone with the end of it (10,000
    notices: 6 million rows, 20 s of writing). ``cancel()`` stops the writer.
    """

    def __init__(self, path: Path, records: list[dict], template: dict | None, passages: Passages,
                 chunk: int | None = None) -> None:
        import multiprocessing

        from pipeline.compare.parallel import BackgroundTask

        self.path, self.records, self.template, self.passages = path, records, template, passages
        self.chunk = REUSE_CHUNK if chunk is None else chunk
        self.count = -(-len(passages) // self.chunk)
        self.taken = 0  # chunks finish() wrote here
        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() \
            else multiprocessing.get_context()
        self.stop = context.Value("q", self.count)  # the writer writes the chunks before this one
        self.begun = context.Value("q", 0, lock=False)  # chunks the writer has begun (read under stop's lock)
        self.task = BackgroundTask(self._write)

    def _chunks(self) -> Iterator[int]:
        for number in range(self.count):
            with self.stop.get_lock():
                if number >= self.stop.value:
                    return
                self.begun.value = number + 1
            yield number

    def _write(self) -> None:
        write_reuse_csv(self.path, self.records, self.template, self.passages, self.chunk, self._chunks())

    def finish(self) -> None:
        """Write half of what is left here, wait for the writer, then append it (OSError if the writer failed)."""
        from pipeline.write import release_written

        with self.stop.get_lock():
            taken = (self.stop.value - self.begun.value) // 2
            self.taken = taken = taken if taken >= TAKE_MIN_CHUNKS else 0
            self.stop.value -= taken
            first = self.stop.value
        tail = self.path.with_name(self.path.name + ".tail")
        try:
            if taken:
                with tail.open("wb") as fh:
                    for data in reuse_csv_parts(self.records, self.template, self.passages,
                                                range(first, self.count), self.chunk, header=False):
                        fh.write(data)
                        release_written(fh)
            self.task.join()
            if taken:
                _append(tail, self.path)
        finally:
            tail.unlink(missing_ok=True)

    def cancel(self) -> None:
        self.task.cancel()


def _append(source: Path, target: Path) -> None:
    """Append the bytes of ``source`` to ``target`` and flush them to disk: copied by the kernel
    where it can (copy_file_range, a gigabyte a second here), else through a buffer."""
    from pipeline.write import release_written

    with source.open("rb") as reader, target.open("ab") as writer:
        left = os.fstat(reader.fileno()).st_size
        try:
            while left > 0:
                copied = os.copy_file_range(reader.fileno(), writer.fileno(), left)
                if not copied:
                    break
                left -= copied
        except (AttributeError, OSError):  # no copy_file_range (not Linux), or not between these files
            reader.seek(os.fstat(reader.fileno()).st_size - left)
            writer.seek(0, os.SEEK_END)
            shutil.copyfileobj(reader, writer, 1 << 24)
        release_written(writer)
        os.fsync(writer.fileno())


def reuse_table(c: Comparison) -> Table:
    return list(REUSE_HEADER), list(reuse_rows(c))


# Notices whose reuse shares are counted at once (about 30 bytes of arrays a character).
SHARES_BATCH = 256


def reuse_shares_table(c: Comparison) -> Table:
    """Per notice, the share of its characters copied / localised / rewritten from the other
    notices, and separately from the template; ``new`` is what is left."""
    return shares_table(c.records, c.labels, c.template, c.template_label, c.passages)


def shares_table(records: list[dict], labels: list[str], template: dict | None, template_label: str | None,
                 passages: Passages) -> Table:
    """``reuse_shares_table`` from what it reads of a Comparison: the passages alone decide it, so
    compare_out has it made in the background while actions and thresholds are aligned."""
    header = ["source", "county", "label", "against", "chars", "copied", "localised", "rewritten", "new"]
    template_index = len(records)
    columns = passages.columns
    # Each passage counts for both of its notices: (notice, against the template?) -> its spans.
    group = np.concatenate([columns["a"] * 2 + (columns["b"] == template_index),
                            columns["b"] * 2 + (columns["a"] == template_index)])
    starts = np.concatenate([columns["start_a"], columns["start_b"]])
    ends = np.concatenate([columns["end_a"], columns["end_b"]])
    kinds = np.concatenate([columns["kind"], columns["kind"]])
    order = np.argsort(group, kind="stable")
    group, starts, ends, kinds = group[order], starts[order], ends[order], kinds[order]
    keys = [(n, name) for n in range(len(records)) for name in (("notices", "template") if template else ("notices",))]
    rows = []
    for first in range(0, len(keys), SHARES_BATCH):
        batch = keys[first:first + SHARES_BATCH]
        codes = np.array([n * 2 + (name == "template") for n, name in batch], dtype=np.int64)
        # Keys come in increasing code order, so the batch's spans are one run of the sorted arrays.
        bounds = np.searchsorted(group, np.append(codes, codes[-1] + 1))
        run = slice(int(bounds[0]), int(bounds[-1]))
        owners = np.repeat(np.arange(len(batch)), np.diff(bounds))
        found = text_shares([records[n].get("text") or "" for n, _ in batch], owners, starts[run], ends[run],
                            kinds[run])
        for (n, name), share in zip(batch, found):
            record = records[n]
            rows.append([record["source"], county(record), labels[n],
                         template_label if name == "template" else "other notices",
                         share["chars"], share["copied"], share["localised"], share["rewritten"], share["new"]])
    return header, rows


TABLES: dict[str, Callable[[Comparison], Table]] = {
    "notices": notices_table,
    "actions": actions_table,
    "actions_wide": actions_wide_table,
    "action_pairs": action_pairs_table,
    "thresholds": thresholds_table,
    "thresholds_wide": thresholds_wide_table,
    "roles": roles_table,
    "reuse": reuse_table,
    "reuse_shares": reuse_shares_table,
}


# The tables written side by side in two processes from this many rows (actions and matched
# pairs): 10,000 notices make half a million rows of action pairs, seconds of building and writing.
PARALLEL_MIN_ROWS = 200_000
# Who writes what when two processes write: the tables with a row per action, match or threshold,
# and every other table (rows per notice or group) together with the report, which shows those.
ROW_TABLES = ("action_pairs", "actions", "thresholds")


def write_comparison(folder: Path, c: Comparison, reuse_written: bool = False,
                     ready: dict[str, Table] | None = None) -> list[Path]:
    """Write every table as CSV (UTF-8 with BOM) and report.html into ``folder``; the paths written.
    ``reuse_written``: reuse.csv is being written by someone else (compare_out, in the background);
    ``ready``: tables built already, by name (compare_out has reuse_shares made in the background)."""
    from pipeline.compare.parallel import fork_map

    # reuse.csv is streamed, the others are built whole (rows per notice, group, action or match).
    if not reuse_written:
        write_reuse_csv(folder / "reuse.csv", c.records, c.template, c.passages)
    large = len(c.actions) + len(c.action_matches) >= PARALLEL_MIN_ROWS
    groups = [ROW_TABLES, tuple(name for name in TABLES if name not in ROW_TABLES + ("reuse",)) + ("report",)]
    fork_map(lambda names: _write_tables(folder, c, names, ready or {}), groups, workers=None if large else 1)
    return [folder / f"{name}.csv" for name in TABLES] + [folder / "report.html"]


def _write_tables(folder: Path, c: Comparison, names: tuple[str, ...], ready: dict[str, Table]) -> None:
    """Build (unless ``ready``) and write the named tables ("report": report.html, from the tables it shows)."""
    from pipeline.compare.report import render_report
    from pipeline.write import atomic_write, write_csv

    if "action_pairs" in names:  # formatted by its own writer (rows by the hundred thousand)
        write_action_pairs_csv(folder / "action_pairs.csv", c)
    tables = {name: ready[name] if name in ready else TABLES[name](c)
              for name in names if name not in ("report", "action_pairs")}
    for name, table in tables.items():
        write_csv(folder / f"{name}.csv", *table)
    if "report" in names:
        atomic_write(folder / "report.html", render_report(c, tables))
