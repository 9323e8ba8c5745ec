"""Run many files: in order or in parallel, resumable, with a time limit per file.

One function, :func:`extract_one`, turns a file into an :class:`Outcome` (the
notices.jsonl line, or the reason it was skipped). :func:`run_batch` feeds files to
it serially, through a process pool (``jobs > 1``), or through a Dask cluster
(``scheduler="tcp://host:port"``), and writes each line to ``OUT/notices.jsonl.partial``
as soon as it and every file before it are done, so output order is input order
whatever the parallelism. When the batch ends the partial file is renamed to
``notices.jsonl`` and the tables are written from it, one notice at a time.

A run killed part-way leaves the previous complete OUT untouched and a
``notices.jsonl.partial`` whose complete lines ``--resume`` reuses (files are
matched by the SHA-256 of their bytes, so a renamed file is not extracted twice).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from pipeline.jsonl import parse_record
from pipeline.readers import ReadError

log = logging.getLogger(__name__)

PARTIAL_NAME = "notices.jsonl.partial"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# How many files may be in flight on a cluster at once: enough to keep workers busy,
# few enough that results waiting for an earlier slow file stay small.
CLUSTER_WINDOW = 256


@dataclass(frozen=True, slots=True)
class Options:
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per file; None or 0 for no limit
    max_bytes: int = DEFAULT_MAX_BYTES
    ocr: bool | None = None  # read scans through Tesseract; travels with the job to any worker
    pdf_engine: str | None = None  # pdfplumber or pypdfium2 (None: POLICYMAP_PDF_ENGINE, else pdfplumber)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one file gave: its notices.jsonl line, or why it was skipped."""

    source: str
    sha256: str | None
    line: str | None = None
    error: str | None = None
    status: str = "failed"
    thresholds: int = 0
    actions: int = 0
    unit_keys: tuple[str, ...] = ()
    unknown_units: tuple[str, ...] = ()


@dataclass(slots=True)
class Summary:
    read: int = 0
    with_warnings: int = 0
    resumed: int = 0
    thresholds: int = 0
    actions: int = 0
    unit_keys: set[str] = field(default_factory=set)
    unknown_units: set[str] = field(default_factory=set)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.line is None:
            self.skipped.append((outcome.source, outcome.error or "unknown error"))
            return
        self.read += 1
        self.with_warnings += outcome.status == "partial"
        self.thresholds += outcome.thresholds
        self.actions += outcome.actions
        self.unit_keys.update(outcome.unit_keys)
        self.unknown_units.update(outcome.unknown_units)


class _FileTimeout(BaseException):
    """Not an Exception: a reader's ``except Exception`` (the PDF readers' "corrupt PDF") must not swallow it."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def warm_up() -> None:
    """Load the shared unit tables once per worker process, not once per file.

    The spaCy unit pipeline is not built here: it runs only on unit lists the table cannot
    read cleanly (4 of the 46 real notices in corpora/), so a worker builds it, once, when
    its first such list comes (``extractors.unit_ner.unit_nlp`` caches it; ~2 s, inside that
    file's time limit). A worker whose files never need it never pays for it.
    """
    from extractors.knowledge import default_knowledge

    default_knowledge()


def _outcome_of(result, digest: str) -> Outcome:
    result.sha256 = digest
    units = [unit for _, unit, _ in result.units()]
    return Outcome(
        source=result.source, sha256=digest,
        line=json.dumps(result.to_record(), ensure_ascii=False),
        status=result.status, thresholds=len(result.thresholds), actions=len(result.actions),
        unit_keys=tuple(sorted({u.canonical or u.name for u in units})),
        unknown_units=tuple(sorted({u.name for u in units if u.canonical is None})),
    )


def extract_one(job: tuple[str, str], options: Options = Options()) -> Outcome:
    """Extract one file (``job`` is (path, source as given)); never raises for a bad file."""
    from pipeline.run import process_file

    path_name, source = job
    path = Path(path_name)
    try:
        if not path.is_file():
            return Outcome(source, None, error="not a regular file")
        size = path.stat().st_size
        if size > options.max_bytes:
            return Outcome(source, None, error=f"file is {size / 2**20:.2f} MiB, over the --max-size limit of "
                                               f"{options.max_bytes / 2**20:.2f} MiB")
        digest = file_sha256(path)
    except OSError as err:
        return Outcome(source, None, error=f"cannot read: {err.strerror or err}")
    try:
        with _time_limit(options.timeout):
            result = process_file(path, source, ocr=options.ocr, pdf_engine=options.pdf_engine)
    except ReadError as err:
        return Outcome(source, digest, error=str(err))
    except _FileTimeout:
        return Outcome(source, digest, error=f"took longer than {options.timeout:g} s; skipped (see --timeout)")
    except RecursionError:
        return Outcome(source, digest, error="structure nested too deeply to read")
    except MemoryError:
        return Outcome(source, digest, error="ran out of memory reading this file")
    except Exception as err:  # noqa: BLE001 - one bad file must never stop a batch
        log.debug("%s: %s", source, traceback.format_exc())
        return Outcome(source, digest, error=f"internal error ({type(err).__name__}: {err}); please report this file")
    return _outcome_of(result, digest)


class _time_limit:
    """SIGALRM-based limit; only where signals can be delivered (a process's main thread)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds and threading.current_thread() is threading.main_thread() else None

    def __enter__(self):
        if self.seconds:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _expire(signum, frame):
        raise _FileTimeout

    def __exit__(self, *exc):
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def iter_outcomes(jobs: list[tuple[str, str]], options: Options, workers: int = 1,
                  scheduler: str | None = None) -> Iterator[Outcome]:
    """Outcomes in the order of ``jobs``, computed serially, by a process pool or by Dask."""
    work = partial(extract_one, options=options)
    if scheduler:
        yield from _iter_dask(jobs, work, scheduler)
    elif workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=warm_up) as pool:
            yield from pool.map(work, jobs, chunksize=1)
    else:
        warm_up()
        for job in jobs:
            yield work(job)


def _iter_dask(jobs: list[tuple[str, str]], work, scheduler: str) -> Iterator[Outcome]:
    from distributed import Client

    with Client(scheduler) as client:
        client.run(warm_up)
        pending = []
        position = 0
        while position < len(jobs) or pending:
            while position < len(jobs) and len(pending) < CLUSTER_WINDOW:
                pending.append(client.submit(work, jobs[position], pure=False))
                position += 1
            future = pending.pop(0)
            yield future.result()
            future.release()


def known_lines(out: Path) -> dict[str, str]:
    """sha256 -> notices.jsonl line, from a complete or an interrupted earlier run in OUT."""
    from pipeline.store import iter_records

    lines: dict[str, str] = {}
    for name in ("notices.jsonl", PARTIAL_NAME):
        for record in iter_records(out / name):
            if record.get("sha256"):
                lines[record["sha256"]] = json.dumps(record, ensure_ascii=False)
    return lines


def run_batch(files: Iterable[tuple[Path, str]], out: Path, *, workers: int = 1, resume: bool = False,
              strict: bool = False, scheduler: str | None = None, options: Options = Options(),
              skipped: Iterable[tuple[str, str]] = (), on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Extract ``files`` into ``out`` and return the run's summary.

    With ``strict`` the batch stops at the first skipped file (the tables are then not
    written; the partial file keeps what was done, for ``--resume``).
    """
    from pipeline.write import write_tables

    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(skipped=list(skipped))
    jobs = [(str(path), source) for path, source in files]
    previous = known_lines(out) if resume else {}
    todo: list[tuple[str, str]] = []
    reused: dict[str, str] = {}
    if previous:
        for path_name, source in jobs:
            try:
                digest = file_sha256(Path(path_name))
            except OSError:
                todo.append((path_name, source))
                continue
            if digest in previous:
                record = parse_record(previous[digest])
                record["source"] = source  # the same bytes may now sit under another name
                reused[source] = json.dumps(record, ensure_ascii=False)
            else:
                todo.append((path_name, source))
    else:
        todo = jobs
    outcomes = iter_outcomes(todo, options, workers, scheduler)
    partial = out / PARTIAL_NAME
    with partial.open("w", encoding="utf-8") as sink:
        for path_name, source in jobs:
            if source in reused:
                outcome = _resumed_outcome(source, reused[source])
                summary.resumed += 1
            else:
                outcome = next(outcomes)
            if outcome.line is not None:
                sink.write(outcome.line + "\n")
                sink.flush()
            summary.add(outcome)
            if on_outcome:
                on_outcome(outcome)
            if strict and outcome.line is None:
                outcomes.close()
                return summary
    os.replace(partial, out / "notices.jsonl")
    from pipeline.store import NoticeStore

    write_tables(out, NoticeStore(out / "notices.jsonl"), summary.skipped)
    return summary


def _resumed_outcome(source: str, line: str) -> Outcome:
    from pipeline.store import result_from_record

    record = parse_record(line)
    result = result_from_record(record)
    # The counts are the record's own; the line is kept as stored (with its new source).
    return replace(_outcome_of(result, record["sha256"]), source=source, line=line)
