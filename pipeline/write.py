"""Write a batch's results into OUT: notices.jsonl and the CSV tables of CONTRACT.md.

Every file is written to a temporary name beside its target and renamed into place,
so an interrupted run never leaves a half-written table. CSVs are UTF-8 with a BOM
(Excel shows Chinese correctly) and any cell that a spreadsheet would run as a
formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from pipeline.run import NoticeResult

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LEAD_CELL, COOPERATING_CELL = "牵头", "配合"


@contextmanager
def atomic_open(path: Path, binary: bool = False, durable: bool = True) -> Iterator[TextIO | BinaryIO]:
    """A file handle on a temporary file that replaces ``path`` only when the block succeeds.

    ``durable`` also flushes the file to disk before the rename (``fsync``, about 4 ms a file):
    turn it off only for files rebuilt from notices.jsonl on every run (one matrix per notice).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with (os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="")) as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def release_written(fh: BinaryIO | TextIO) -> None:
    """Have what ``fh`` holds so far written to disk now, and dropped from the system's cache once
    it is: a file of gigabytes (reuse.csv) is not read back here, and with the cache full of other
    files, making room page by page cost more system time than the writing (2.4 GB: 8.6 s against
    1.7 s; its fsync then waited another second for the disk). Nothing written is lost: only pages
    already on disk are dropped."""
    fh.flush()
    if hasattr(os, "posix_fadvise"):  # not on macOS or Windows: there the cache keeps it
        try:
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)  # 0, 0: the whole file
        except OSError:  # advice only: a file system may not take it
            pass


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    with atomic_open(path, binary=True) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def safe_cell(value: object) -> object:
    """A cell value that cannot run as a spreadsheet formula.

    >>> safe_cell("=HYPERLINK(\\"x\\")"), safe_cell("县工信局"), safe_cell(-3)
    ('\\'=HYPERLINK("x")', '县工信局', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Characters that make the csv module quote a cell (QUOTE_MINIMAL, the default dialect).
QUOTED_CHARACTERS = '",\r\n'


def csv_text_cell(text: str) -> str:
    """A text cell as ``write_csv`` writes it: formula-safe (``safe_cell``), then quoted as the csv
    module's QUOTE_MINIMAL quotes (when it holds a comma, a quote or a line break), for writers that
    format millions of rows themselves.

    >>> csv_text_cell("县工信局"), csv_text_cell("一，二"), csv_text_cell("3,5"), csv_text_cell('a"b'), csv_text_cell("=A1")
    ('县工信局', '一，二', '"3,5"', '"a""b"', "'=A1")
    """
    text = safe_cell(text)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:  # the rest of QUOTED_CHARACTERS, tested one by one (fast)
        return '"' + text + '"'
    return text


def csv_header(names: Sequence[str]) -> str:
    r"""The first line ``write_csv`` writes: the BOM, the header cells, CRLF (for writers that
    format their rows themselves).

    >>> csv_header(["source", "=x"])
    "\ufeffsource,'=x\r\n"
    """
    return "\ufeff" + ",".join(csv_text_cell(name) for name in names) + "\r\n"


@contextmanager
def csv_rows(path: Path, header: Sequence[str], durable: bool = True) -> Iterator[Callable[[Sequence[object]], None]]:
    """A function that appends one row to a UTF-8-with-BOM CSV written atomically when the block ends."""
    with atomic_open(path, durable=durable) as fh:
        fh.write("\ufeff")
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([safe_cell(h) for h in header])
        yield lambda row: writer.writerow(["" if v is None else safe_cell(v) for v in row])


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], durable: bool = True) -> None:
    """Stream rows into a UTF-8-with-BOM CSV, atomically."""
    with csv_rows(path, header, durable) as add_row:
        for row in rows:
            add_row(row)


def county_of(result: NoticeResult) -> str | None:
    """The region's county, or its city where the notice is a city's (CONTRACT.md)."""
    if result.metadata is None:
        return None
    region = result.metadata.region
    return region.county or region.city or region.province


def unit_key(unit) -> str:
    """Column key of a unit in matrices: its canonical id, or its name when unknown."""
    return unit.canonical or unit.name


def write_outputs(out: Path, results: Sequence[NoticeResult], skipped: Sequence[tuple[str, str]]) -> None:
    """Write every file of OUT for a finished batch held in memory."""
    good = [r for r in results if r.status != "failed"]
    with atomic_open(out / "notices.jsonl") as fh:
        for result in good:
            fh.write(json.dumps(result.to_record(), ensure_ascii=False) + "\n")
    write_tables(out, good, list(skipped) + [(r.source, r.error) for r in results if r.status == "failed"])


def write_tables(out: Path, results: Iterable[NoticeResult], skipped: Sequence[tuple[str, str]]) -> None:
    """Every file of OUT but notices.jsonl. ``results`` may be a lazily read NoticeStore:
    it is iterated once, every table filled in the same pass, and never held whole."""
    from pipeline.matrices import MatrixWriter  # imports pipeline.write

    unknown: Counter = Counter()
    with ExitStack() as files:
        add_threshold = files.enter_context(csv_rows(
            out / "thresholds.csv",
            ["source", "doc_number", "county", "metric", "subject", "op", "value", "value_max", "unit", "year",
             "text", "span_start", "span_end", "rule"]))
        add_action = files.enter_context(csv_rows(
            out / "actions.csv",
            ["source", "doc_number", "county", "number", "title", "lead", "cooperating", "span_start", "span_end"]))
        add_responsibility = files.enter_context(csv_rows(
            out / "responsibilities.csv",
            ["source", "doc_number", "county", "action_number", "action_title", "unit_name", "unit_canonical",
             "role", "unit_level"]))
        matrices = MatrixWriter(out / "matrices")
        for r in results:
            doc_number, county = r.metadata.doc_number, county_of(r)
            for t in r.thresholds:
                add_threshold([r.source, doc_number, county, t.metric, t.subject, t.op, t.value, t.value_max,
                               t.unit, t.year, t.text, t.span[0], t.span[1], t.rule])
            for a in r.actions:
                add_action([r.source, doc_number, county, a.number, a.title, "、".join(u.name for u in a.lead),
                            "、".join(u.name for u in a.cooperating), a.span[0], a.span[1]])
            for a, u, role in r.units():
                add_responsibility([r.source, doc_number, county, a.number, a.title, u.name, u.canonical, role,
                                    u.level])
                if u.canonical is None:
                    unknown[u.name] += 1
            matrices.add(r.to_record())
        matrices.close()
    write_csv(out / "units_unknown.csv", ["unit_name", "count"], sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))
    write_csv(out / "skipped.csv", ["source", "reason"], skipped)
