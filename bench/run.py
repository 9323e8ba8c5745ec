"""The benchmark behind ``make bench``: policymap beside the libraries underneath it, on the same files.

    python -m bench [--n 200] [--sizes 10,100,1000] [--pdfs 10] [--docx 20] [--out outputs/bench]

It makes a synthetic corpus (:mod:`bench.synth`), then measures, in one run:

* txt: notices/s, MB/s and notices/s per core of the library (``process_file`` in one process),
  of the batch runner with one worker and with every core, and of ``policymap extract`` end to end
  (which also writes the graph, the HTML views and the comparison);
* PDF: pages/s of policymap's reader and of the whole pipeline, beside bare pdfplumber
  ``page.extract_text()`` and pypdfium2 ``get_text_range()`` on the same PDFs;
* DOCX: files/s of policymap's reader and pipeline beside bare python-docx paragraph reading;
* scale: wall time and peak RSS of a batch extraction of 10, 100, 1,000 (… 10,000) notices, each in
  a child process, and the time and peak RSS of ``policymap compare`` on each result;
* start-up: ``policymap --help``, ``import pipeline.cli`` and ``policymap extract`` of one file.

It writes OUT/bench.json and OUT/bench.md and prints the Markdown tables. Progress goes to stderr.
No number here is a pass/fail test; the targets of issue 8 are printed beside the results.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import synth

log = logging.getLogger("bench")
ROOT = synth.ROOT
BIN = Path(sys.executable).parent
FIXTURES = ROOT / "tests" / "fixtures"


# ── Corpus ───────────────────────────────────────────────────────────────────────────────

def make_corpus(out: Path, count: int, seed: int) -> list[Path]:
    """``count`` synthetic txt notices in out/txt, reused when an earlier run made them with this generator."""
    folder = out / "txt"
    stamp = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:16] + f":{seed}"
    manifest = out / "manifest.json"
    made = json.loads(manifest.read_text()) if manifest.exists() else {}
    if made.get("stamp") != stamp:
        shutil.rmtree(out, ignore_errors=True)
        made = {"stamp": stamp, "count": 0}
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        notice_path = folder / f"{index:06d}.txt"
        if index >= made["count"] or not notice_path.exists():
            notice_path.write_text(synth.synth_notice(index, seed).text, encoding="utf-8")
        paths.append(notice_path)
    manifest.write_text(json.dumps({"stamp": stamp, "count": max(count, made["count"])}))
    return paths


def subset(paths: list[Path], size: int, folder: Path) -> Path:
    """A folder holding the first ``size`` notices (hard links, so no copies)."""
    if folder.exists() and len(list(folder.iterdir())) == size:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in paths[:size]:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copyfile(path, folder / path.name)
    return folder


# ── Helpers ──────────────────────────────────────────────────────────────────────────────

def child(command: list[str], scratch: Path, timeout: float | None = None) -> dict:
    """Run ``command`` under bench.measure; its wall time, peak RSS and exit status (killed past ``timeout``)."""
    result = scratch / "measure.json"
    limit = ["--timeout", str(timeout)] if timeout else []
    subprocess.run([sys.executable, "-m", "bench.measure", str(result), *limit, "--", *command], cwd=ROOT, check=True)
    measured = json.loads(result.read_text())
    if measured["timed_out"]:
        log.warning("%s: stopped after %.0f s", " ".join(command[:3]), timeout)
    elif measured["returncode"] not in (0, 1):
        log.warning("%s exited %s: %s", " ".join(command), measured["returncode"], measured["stderr_tail"])
    return measured


def timed(function, items) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to call ``function`` on every item."""
    start, start_cpu = time.perf_counter(), time.process_time()
    for item in items:
        function(item)
    return time.perf_counter() - start, time.process_time() - start_cpu


def megabytes(paths: list[Path]) -> float:
    return sum(path.stat().st_size for path in paths) / 1e6


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


# ── Measurements ─────────────────────────────────────────────────────────────────────────

def bench_txt(paths: list[Path], jobs: list[int], scratch: Path, folder: Path, timeout: float) -> list[dict]:
    from extractors.knowledge import default_knowledge
    from pipeline.run import process_file

    knowledge = default_knowledge()
    process_file(paths[0], knowledge=knowledge)  # warm-up: tables, regexes, spaCy pipeline
    size = megabytes(paths)
    rows = []
    log.info("txt: process_file on %d notices", len(paths))
    wall, cpu = timed(lambda path: process_file(path, knowledge=knowledge), paths)
    rows.append({"what": "library: process_file, 1 process", "files": len(paths), "mb": size, "wall_s": wall,
                 "cpu_s": cpu, "cores": 1})
    for workers in jobs:
        log.info("txt: batch runner, %d worker(s)", workers)
        out = scratch / f"batch-j{workers}"
        shutil.rmtree(out, ignore_errors=True)
        measured = child([sys.executable, "-m", "bench.measure", "batch", str(folder), str(out),
                          "--jobs", str(workers)], scratch)
        rows.append({"what": f"library: pipeline.batch.run_batch, {workers} worker(s)", "files": len(paths),
                     "mb": size, "wall_s": measured["wall_s"], "cpu_s": measured["cpu_s"], "cores": workers,
                     "peak_rss_mb": measured["peak_rss_mb"]})
    for workers in jobs[-1:]:
        log.info("txt: policymap extract --jobs %d", workers)
        out = scratch / f"cli-j{workers}"
        shutil.rmtree(out, ignore_errors=True)
        # The command also runs graph, views and compare, so it gets three times the limit of one stage.
        measured = child([str(BIN / "policymap"), "extract", str(folder), "--out", str(out), "--jobs", str(workers)],
                         scratch, 3 * timeout)
        rows.append({"what": f"CLI: policymap extract --jobs {workers} (+ graph, views, compare)"
                             + (f": stopped after {3 * timeout:.0f} s" if measured["timed_out"] else ""),
                     "files": len(paths), "mb": size, "cores": workers, "peak_rss_mb": measured["peak_rss_mb"],
                     "wall_s": None if measured["timed_out"] else measured["wall_s"],
                     "cpu_s": None if measured["timed_out"] else measured["cpu_s"]})
    for row in rows:
        if row["wall_s"] is None:
            row["notices_per_s"] = row["mb_per_s"] = row["notices_per_s_per_core"] = row["notices_per_cpu_s"] = None
            continue
        # Per CPU second: what one core does, whatever else the machine is running meanwhile.
        row["notices_per_cpu_s"] = rate(row["files"], row["cpu_s"])
        row["notices_per_s"] = rate(row["files"], row["wall_s"])
        row["mb_per_s"] = rate(row["mb"], row["wall_s"])
        row["notices_per_s_per_core"] = row["notices_per_s"] / row["cores"]
    return rows


def pdf_files(corpus: Path, count: int, seed: int) -> tuple[list[Path], str]:
    """Synthetic PDFs printed by LibreOffice, or the committed fixture PDFs without it."""
    if count and synth.soffice():
        folder = corpus / "pdf"
        existing = sorted(folder.glob("*.pdf")) if folder.exists() else []
        if len(existing) >= count:
            return existing[:count], "synthetic (python-docx + LibreOffice)"
        log.info("pdf: printing %d synthetic notices with LibreOffice", count)
        made = synth.generate(corpus, count, seed, formats=("pdf",))
        if made.get("pdf"):
            return sorted(made["pdf"])[:count], "synthetic (python-docx + LibreOffice)"
    fixtures = sorted((FIXTURES / "pdf").glob("*.pdf"))
    return fixtures, "committed fixtures (tests/fixtures/pdf; no LibreOffice here)"


def bench_pdf(paths: list[Path], origin: str) -> dict:
    import inspect

    import pdfplumber
    import pypdfium2

    from extractors.knowledge import default_knowledge
    from pipeline.readers import read
    from pipeline.readers.pdf import read_pdf
    from pipeline.run import process_file

    pages = 0
    for path in paths:
        document = pypdfium2.PdfDocument(str(path))
        pages += len(document)
        document.close()

    def plumber(path: Path) -> None:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()

    def pdfium(path: Path) -> None:
        document = pypdfium2.PdfDocument(str(path))
        for page in document:
            page.get_textpage().get_text_range()
        document.close()

    knowledge = default_knowledge()
    engines = [("pypdfium2: get_text_range()", pdfium), ("pdfplumber: page.extract_text()", plumber),
               ("policymap: PDF reader (pipeline.readers.read)", read)]
    if "engine" in inspect.signature(read_pdf).parameters:
        engines.append(("policymap: PDF reader, --pdf-engine pypdfium2",
                        lambda path: read(path, pdf_engine="pypdfium2")))
    engines.append(("policymap: whole pipeline (process_file)", lambda path: process_file(path, knowledge=knowledge)))
    engines.append(("policymap: whole pipeline, --pdf-engine pypdfium2",
                    lambda path: process_file(path, knowledge=knowledge, pdf_engine="pypdfium2")))
    rows = []
    for name, function in engines:
        function(paths[0])  # warm-up: imports, font tables
        log.info("pdf: %s", name)
        wall, cpu = timed(function, paths)
        rows.append({"what": name, "files": len(paths), "pages": pages, "wall_s": wall, "cpu_s": cpu,
                     "pages_per_s": rate(pages, wall), "pages_per_cpu_s": rate(pages, cpu)})
    plumber_cpu = next(row["cpu_s"] for row in rows if row["what"].startswith("pdfplumber"))
    for row in rows:
        row["vs_pdfplumber"] = row["cpu_s"] / plumber_cpu
    return {"origin": origin, "rows": rows}


def bench_docx(corpus: Path, count: int, seed: int) -> dict:
    from docx import Document

    from extractors.knowledge import default_knowledge
    from pipeline.readers import read
    from pipeline.run import process_file

    folder = corpus / "docx"
    paths = sorted(folder.glob("*.docx")) if folder.exists() else []
    if len(paths) < count:
        log.info("docx: writing %d synthetic notices with python-docx", count)
        paths = synth.generate(corpus, count, seed, formats=("docx",))["docx"]
    paths = sorted(paths)[:count]
    knowledge = default_knowledge()

    def bare(path: Path) -> None:
        [paragraph.text for paragraph in Document(str(path)).paragraphs]

    rows = []
    for name, function in (("python-docx: paragraph text", bare), ("policymap: DOCX reader (pipeline.readers.read)", read),
                           ("policymap: whole pipeline (process_file)",
                            lambda path: process_file(path, knowledge=knowledge))):
        function(paths[0])
        log.info("docx: %s", name)
        wall, cpu = timed(function, paths)
        rows.append({"what": name, "files": len(paths), "wall_s": wall, "cpu_s": cpu,
                     "files_per_s": rate(len(paths), wall), "files_per_cpu_s": rate(len(paths), cpu)})
    for row in rows:
        row["vs_python_docx"] = row["cpu_s"] / rows[0]["cpu_s"]
    return {"origin": "synthetic (python-docx, scripts/make_fixtures.py layout)", "rows": rows}


def bench_scale(paths: list[Path], sizes: list[int], jobs: int, corpus: Path, scratch: Path,
                timeout: float) -> list[dict]:
    rows = []
    compare_stopped_at = None
    for size in sizes:
        folder = subset(paths, size, corpus / f"n{size}")
        out = scratch / f"scale-{size}"
        shutil.rmtree(out, ignore_errors=True)
        log.info("scale: extract %d notices (--jobs %d)", size, jobs)
        extracted = child([sys.executable, "-m", "bench.measure", "batch", str(folder), str(out),
                           "--jobs", str(jobs)], scratch)
        row = {"notices": size, "extract_wall_s": extracted["wall_s"], "notices_per_s": rate(size, extracted["wall_s"]),
               "extract_cpu_s": extracted["cpu_s"], "notices_per_cpu_s": rate(size, extracted["cpu_s"]),
               "extract_peak_rss_mb": extracted["peak_rss_mb"], "compare_wall_s": None, "compare_peak_rss_mb": None}
        if compare_stopped_at is not None:
            row["compare_note"] = f"not run: {compare_stopped_at:,} notices already took over {timeout:.0f} s"
        else:
            log.info("scale: policymap compare on %d notices", size)
            compared = child([str(BIN / "policymap"), "compare", str(out)], scratch, timeout)
            row["compare_peak_rss_mb"] = compared["peak_rss_mb"]
            if compared["timed_out"]:
                compare_stopped_at = size
                row["compare_note"] = f"stopped after {timeout:.0f} s"
            elif compared["returncode"] != 0:
                row["compare_note"] = "failed: " + compared["stderr_tail"].strip().splitlines()[-1][:200]
            else:
                row["compare_wall_s"] = compared["wall_s"]
        rows.append(row)
        shutil.rmtree(out, ignore_errors=True)
    return rows


def bench_startup(one_file: Path, scratch: Path, repeat: int = 5) -> list[dict]:
    commands = [
        ("policymap --help", [str(BIN / "policymap"), "--help"]),
        ("python -c 'import pipeline.cli'", [sys.executable, "-c", "import pipeline.cli"]),
        ("policymap extract ONE.txt --jobs 1", [str(BIN / "policymap"), "extract", str(one_file),
                                                 "--out", str(scratch / "one"), "--jobs", "1"]),
    ]
    rows = []
    for name, command in commands:
        walls = []
        for _ in range(repeat if "extract" not in name else max(2, repeat // 2)):
            shutil.rmtree(scratch / "one", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls.append(time.perf_counter() - start)
        rows.append({"what": name, "median_s": statistics.median(walls), "min_s": min(walls), "runs": len(walls)})
    return rows


def speed_check(repeat: int = 3) -> float:
    """Seconds (best of ``repeat``) of a fixed mix of the work policymap does: a Python loop over
    dicts and strings, and numpy sorting and indexing. This machine's speed moves by a third from
    one hour to the next; the check, run at the start and the end, says how fast it was then, so
    two benches compare (a compare twice as slow in an hour whose check is twice as slow is the
    machine).

    >>> speed_check(repeat=1) > 0
    True
    """
    import numpy as np

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        counts: dict[str, int] = {}
        for number in range(300_000):
            key = f"县{number % 997}局"
            counts[key] = counts.get(key, 0) + len(key)
        values = np.random.default_rng(0).integers(0, 1 << 40, 2_000_000)
        order = np.argsort(values)
        values[order[::2]].sum()
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "load_average_at_start": round(os.getloadavg()[0], 2), "speed_check_at_start_s": speed_check(),
            "platform": platform.platform(), "commit": commit.strip() or None,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


# ── Report ───────────────────────────────────────────────────────────────────────────────

def _f(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value != value:
        return "–"
    return f"{value:,.{digits}f}"


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"Machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}; commit {m['commit']}, {m['date']}; "
             f"load average {m['load_average_at_start']} at the start, {report.get('load_average_at_end', '–')} "
             "at the end (other processes share the cores: the CPU-second columns are the steadier ones); "
             f"speed check (`bench.run.speed_check`, lower is faster) {m.get('speed_check_at_start_s', '–')} s at "
             f"the start, {report.get('speed_check_at_end_s', '–')} s at the end.",
             "", f"**Text** ({report['txt'][0]['files']} synthetic notices, {_f(report['txt'][0]['mb'], 2)} MB; "
             "target ≥ 200 notices/s per core)", "",
             "| run | wall s | notices/s | MB/s | notices/s per core | notices per CPU s | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for row in report["txt"]:
        lines.append(f"| {row['what']} | {_f(row['wall_s'], 2)} | {_f(row['notices_per_s'])} | {_f(row['mb_per_s'], 2)} "
                     f"| {_f(row['notices_per_s_per_core'])} | {_f(row['notices_per_cpu_s'])} "
                     f"| {_f(row.get('peak_rss_mb'), 0)} |")
    pdf = report.get("pdf")
    if pdf:
        rows = pdf["rows"]
        lines += ["", f"**PDF** ({rows[0]['files']} files, {rows[0]['pages']} pages, {pdf['origin']}; "
                  "target: reader within 1.25× of pdfplumber)", "",
                  "| engine | wall s | pages/s | pages per CPU s | CPU time vs pdfplumber |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {row['what']} | {_f(row['wall_s'], 2)} | {_f(row['pages_per_s'])} | {_f(row['pages_per_cpu_s'])} "
                  f"| {_f(row['vs_pdfplumber'], 2)}× |" for row in rows]
    docx = report.get("docx")
    if docx:
        rows = docx["rows"]
        lines += ["", f"**DOCX** ({rows[0]['files']} files, {docx['origin']})", "",
                  "| reader | wall s | files/s | files per CPU s | CPU time vs python-docx |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {row['what']} | {_f(row['wall_s'], 2)} | {_f(row['files_per_s'])} | {_f(row['files_per_cpu_s'])} "
                  f"| {_f(row['vs_python_docx'], 2)}× |" for row in rows]
    if report.get("scale"):
        lines += ["", f"**Scale** (batch extraction with {report['config']['jobs'][-1]} workers, then `policymap compare`, "
                  "each a separate process; peak RSS of the largest process; targets: flat RSS, compare of 10,000 < 60 s)",
                  "", "| notices | extract s | notices/s | notices per CPU s | extract peak RSS MB | compare s "
                  "| compare peak RSS MB |", "|---:|---:|---:|---:|---:|---:|---:|"]
        for row in report["scale"]:
            compare = _f(row["compare_wall_s"], 2) if row["compare_wall_s"] is not None else row.get("compare_note", "–")
            lines.append(f"| {row['notices']:,} | {_f(row['extract_wall_s'])} | {_f(row['notices_per_s'])} "
                         f"| {_f(row['notices_per_cpu_s'])} | {_f(row['extract_peak_rss_mb'], 0)} | {compare} "
                         f"| {_f(row['compare_peak_rss_mb'], 0)} |")
    lines += ["", "**Start-up** (target: `--help` < 0.3 s)", "", "| command | median s | min s |", "|---|---:|---:|"]
    lines += [f"| `{row['what']}` | {_f(row['median_s'], 3)} | {_f(row['min_s'], 3)} |" for row in report["startup"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="notices for the txt throughput runs")
    parser.add_argument("--sizes", default="10,100,1000", help="corpus sizes for the RSS and compare runs")
    parser.add_argument("--pdfs", type=int, default=10, help="synthetic PDFs (0: only the committed fixtures)")
    parser.add_argument("--docx", type=int, default=20, help="synthetic DOCX files (0: skip)")
    parser.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}", help="worker counts for the batch runs")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds before a compare run is stopped (and larger ones skipped); "
                             "policymap extract gets three times as long")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    jobs = sorted({int(job) for job in args.jobs.split(",") if job.strip()})
    out = args.out
    corpus, scratch = out / "corpus", out / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    log.info("corpus: %d synthetic notices (seed %d) in %s", max([args.n, *sizes]), args.seed, corpus)
    paths = make_corpus(corpus, max([args.n, *sizes]), args.seed)
    report: dict = {"machine": machine(), "config": {"n": args.n, "sizes": sizes, "jobs": jobs, "seed": args.seed,
                                                     "timeout_s": args.timeout}}
    report["txt"] = bench_txt(paths[:args.n], jobs, scratch, subset(paths, args.n, corpus / f"n{args.n}"), args.timeout)
    pdfs, origin = pdf_files(corpus, args.pdfs, args.seed)
    report["pdf"] = bench_pdf(pdfs, origin) if pdfs else None
    report["docx"] = bench_docx(corpus, args.docx, args.seed) if args.docx else None
    report["scale"] = bench_scale(paths, sizes, jobs[-1], corpus, scratch, args.timeout)
    report["startup"] = bench_startup(paths[0], scratch)
    report["total_s"] = time.perf_counter() - started
    report["load_average_at_end"] = round(os.getloadavg()[0], 2)
    report["speed_check_at_end_s"] = speed_check()

    table = markdown(report)
    (out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "bench.md").write_text(table, encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    print(table)
    log.info("done in %.0f s: %s, %s", report["total_s"], out / "bench.json", out / "bench.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
