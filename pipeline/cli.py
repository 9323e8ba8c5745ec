"""The ``policymap`` command line: thin commands over the pipeline's library functions.

Heavy modules are imported inside the commands so that ``policymap --help`` stays fast.
Exit status: 0 when every file was read, 1 when some were skipped, 2 on usage errors.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

# Stages `extract` runs after the batch, each of which --skip can leave out.
AFTER_EXTRACT = ("graph", "views", "compare")
# More files than this get a progress bar; fewer finish before one would help.
PROGRESS_MIN_FILES = 5
# PDF engines (pipeline.readers.pdf.ENGINES, named here so that --help imports no reader).
PDF_ENGINES = ("pdfplumber", "pypdfium2")

# Run as the `policymap` command (main), the process ends without freeing its heap (see _leave):
# large results are kept to the end rather than freed object by object when a command returns.
_kept: list | None = None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log diagnostics to stderr.")
def cli(verbose: bool) -> None:
    """policymap: turn Chinese government policy notices into comparable data.

    \b
    Example:
        policymap extract corpora --out outputs
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for notices.jsonl and the CSV tables (created if missing).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores].")
@click.option("--resume", is_flag=True,
              help="Reuse notices already in OUT (matched by file content) and extract only the rest.")
@click.option("--timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds one file may take before it is skipped (0: no limit).")
@click.option("--max-size", type=click.FloatRange(min=0), default=50.0, show_default=True,
              help="Largest input file to read, in MiB; larger files are skipped.")
@click.option("--scheduler", envvar="POLICYMAP_SCHEDULER", default=None, metavar="tcp://HOST:PORT",
              help="Run on a Dask distributed cluster (or set POLICYMAP_SCHEDULER).")
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be read.")
@click.option("--ocr", is_flag=True, envvar="POLICYMAP_OCR",
              help="Read PDFs without a text layer (scans) through Tesseract (apt-get install tesseract-ocr "
                   "tesseract-ocr-chi-sim) instead of skipping them.")
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), envvar="POLICYMAP_PDF_ENGINE", default="pdfplumber",
              show_default=True,
              help="Library that reads PDFs: pypdfium2 is ~6x faster and gives the same text on the test PDFs; "
                   "pages with ruling (tables) are still read by pdfplumber.")
@click.option("--skip", "skipped_stages", multiple=True, type=click.Choice(AFTER_EXTRACT),
              help="Leave out a stage that runs after the batch (repeatable); e.g. --skip compare on a "
                   "national corpus, then run `policymap compare` per province.")
def extract(inputs: tuple[Path, ...], out: Path, jobs: int | None, resume: bool, timeout: float,
            max_size: float, scheduler: str | None, strict: bool, ocr: bool, pdf_engine: str,
            skipped_stages: tuple[str, ...]) -> None:
    """Extract metadata, thresholds and actions from notice files or folders.

    INPUTS are files or folders (walked recursively). Writes OUT/notices.jsonl,
    thresholds.csv, actions.csv, responsibilities.csv, matrices/, view/ (one
    HTML page per notice, see `policymap view`) and skipped.csv.
    Results are written as they arrive, in input order, whatever --jobs is.

    \b
    Example:
        policymap extract corpora --out outputs
        policymap extract notice.txt other/ --out /tmp/run1 --jobs 2
        policymap extract big-folder --out /tmp/run2 --resume
        policymap extract pdfs/ --out /tmp/run3 --pdf-engine pypdfium2
    """
    import os

    from pipeline.batch import Options, Outcome, run_batch
    from pipeline.run import discover

    _refuse_out_inside_inputs(out, inputs)
    files, skipped = discover(inputs)
    for source, reason in skipped:
        click.echo(f"skipped {source}: {reason}", err=True)
    if not files:
        raise click.UsageError("no notice files found in " + ", ".join(map(str, inputs)))
    options = Options(timeout=timeout or None, max_bytes=int(max_size * 2**20), ocr=ocr, pdf_engine=pdf_engine)
    workers = jobs or os.cpu_count() or 1
    show_bar = len(files) > PROGRESS_MIN_FILES and sys.stderr.isatty()
    bar = click.progressbar(length=len(files), label="Extracting", file=sys.stderr) if show_bar else None

    def report(outcome: Outcome) -> None:
        if outcome.line is None:
            click.echo(f"skipped {outcome.source}: {outcome.error}", err=True)
        if bar is not None:
            bar.update(1)

    try:
        summary = run_batch(files, out, workers=workers, resume=resume, strict=strict, scheduler=scheduler,
                            options=options, skipped=skipped, on_outcome=report)
    finally:
        if bar is not None:
            bar.render_finish()
    if strict and summary.skipped:
        source, reason = summary.skipped[-1]
        raise click.ClickException(f"{source}: {reason} (--strict: stopped; rerun with --resume to continue)")
    _after_extract(out, skip=set(skipped_stages))
    failed = len(summary.skipped)
    click.echo(
        f"{summary.read} notices read ({summary.with_warnings} with warnings"
        + (f", {summary.resumed} reused from an earlier run" if summary.resumed else "") + "), "
        f"{summary.thresholds} thresholds, {summary.actions} actions, "
        f"{len(summary.unit_keys)} units ({len(summary.unknown_units)} unknown), {failed} files skipped"
        + (f" (reasons in {out / 'skipped.csv'})" if failed else "") + f" -> {out}",
        err=True,
    )
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-picture", is_flag=True, help="Skip responsibility.png (the slowest file).")
def graph(out: Path, no_picture: bool) -> None:
    """Write the department-responsibility graph of an OUT folder to OUT/graph/.

    Reads OUT/notices.jsonl and writes responsibility.graphml, .gexf, .json (node-link),
    .html (works offline), .png, units.csv (measures per unit and notice), unit_pairs.csv
    and action_pairs.csv. `policymap extract` runs this too.

    \b
    Example:
        policymap graph outputs
        policymap graph /tmp/run1 --no-picture
    """
    from pipeline.graph import GraphInputError, write_graph

    try:
        built = write_graph(out, picture=not no_picture)
    except GraphInputError as err:
        raise click.ClickException(str(err)) from err
    actions = sum(1 for _, kind in built.nodes(data="kind") if kind == "action")
    click.echo(f"{actions} actions, {built.number_of_nodes() - actions} units, {built.number_of_edges()} "
               f"responsibilities -> {out / 'graph'}", err=True)


@cli.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A template notice (e.g. the province's) to measure text reuse against.")
def compare(out: Path, template: Path | None) -> None:
    """Compare the notices of an OUT folder: aligned actions, thresholds, roles, text reuse.

    Reads OUT/notices.jsonl (two or more notices) and writes OUT/compare/: actions.csv,
    thresholds.csv, thresholds_wide.csv, roles.csv, reuse.csv, reuse_shares.csv and
    report.html. `policymap extract` runs this too when OUT holds two or more notices.

    \b
    Example:
        policymap compare outputs
        policymap compare outputs --template shanxi_template.txt
    """
    from pipeline.compare import CompareError, compare_out
    from pipeline.readers import ReadError

    try:
        comparison = _keep(compare_out(out, template, progress=_compare_progress()))
    except CompareError as err:
        raise click.ClickException(str(err)) from err
    except ReadError as err:
        raise click.ClickException(f"{template}: {err}") from err
    click.echo(f"{comparison.summary()} -> {out / 'compare'}", err=True)


@cli.command()
@click.argument("notice", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write [default: print the page to stdout].")
def view(notice: Path, out: Path | None) -> None:
    """Render one NOTICE as a self-contained HTML page an analyst can check.

    Lead units orange, cooperating units blue, other units grey, each labelled with its
    canonical id (also on hover); thresholds show their normalised value, action headings
    their number. No external fonts or scripts: the page works offline.
    `policymap extract` writes the same page for every notice to OUT/view/.

    \b
    Example:
        policymap view corpora/000_3906f5c9db5bee8f.txt -o /tmp/huguan.html
        policymap view notice.txt > notice.html
    """
    from pipeline.readers import ReadError
    from pipeline.run import process_file
    from pipeline.view import render_record
    from pipeline.write import atomic_write

    try:
        result = process_file(notice)
    except ReadError as err:
        raise click.ClickException(f"{notice}: {err}") from err
    page = render_record(result.to_record())
    if out is None:
        click.echo(page)
    else:
        atomic_write(out, page)
        click.echo(f"{notice} -> {out}", err=True)


@cli.command()
@click.argument("names", nargs=-1, required=True)
def units(names: tuple[str, ...]) -> None:
    """Look unit NAMES up in the unit table: canonical id, level, display name, category.

    Prints one tab-separated line per name (with a header). A name the table does not
    know has an empty id: add an alias line to extractors/data/unit_aliases.csv. Handy on
    the names of OUT/units_unknown.csv.

    \b
    Example:
        policymap units 县工科局 縣審批服務管理局 人行闻喜支行
    """
    from extractors.knowledge import default_knowledge
    from extractors.units import identify

    table = default_knowledge().units
    click.echo("name\tcanonical\tlevel\tdisplay_name\tcategory")
    for name in names:
        canonical, level = identify(name, table)
        info = table.units.get(canonical) if canonical else None
        click.echo("\t".join([name, canonical or "", level or "", info.display_name if info else "",
                              info.category if info else ""]))


def _after_extract(out: Path, skip: set[str]) -> None:
    """The stages that read OUT/notices.jsonl back: graph, one view page per notice, comparison."""
    if "graph" not in skip:
        from pipeline.graph import write_graph  # networkx and matplotlib load here, after the batch

        write_graph(out)
    if "views" not in skip:
        from pipeline.view import write_views  # displaCy and the unit pipeline load here

        write_views(out)
    if "compare" not in skip:
        _compare_after_extract(out)


def _compare_after_extract(out: Path) -> None:
    from pipeline.compare import CompareError, compare_out_if_several  # numpy and scipy load here

    try:
        comparison = _keep(compare_out_if_several(out, progress=_compare_progress()))
    except CompareError as err:
        click.echo(f"compare: {err}", err=True)
        return
    if comparison is not None:
        click.echo(f"{comparison.summary()} -> {out / 'compare'}", err=True)


def _compare_progress():
    """What the comparison is doing, with the seconds since it started (10,000 notices take
    minutes): on a terminal's stderr, else to the log (shown with -v)."""
    started = time.monotonic()
    log = logging.getLogger("pipeline.compare")

    def progress(message: str) -> None:
        line = f"compare [{time.monotonic() - started:6.1f} s] {message}"
        if sys.stderr.isatty():
            click.echo(line, err=True)
        else:
            log.info(line)

    return progress


def _refuse_out_inside_inputs(out: Path, inputs: tuple[Path, ...]) -> None:
    """OUT inside an input folder would be read back as input on the next run."""
    resolved_out = out.resolve()
    for given in inputs:
        if given.is_dir():
            folder = given.resolve()
            if resolved_out == folder or folder in resolved_out.parents:
                raise click.UsageError(f"--out {out} is inside the input folder {given}; choose another folder")


def _keep(value):
    """``value``, kept alive until the process ends when it ends without freeing its heap (main);
    in-process callers (tests, notebooks) free it as usual."""
    if _kept is not None:
        _kept.append(value)
    return value


def main() -> None:  # pragma: no cover - console-script entry point
    global _kept
    _kept = []
    try:
        cli()
        code = 0
    except SystemExit as done:  # how click ends every command
        code = done.code
    _leave(code)


def _leave(code: object) -> None:
    """Exit with ``code`` (what sys.exit takes) without freeing the heap object by object.

    A comparison of 10,000 notices holds tens of millions of objects: freeing them one at a time
    after the command (``_keep``) took 1 to 2 s, memory the system takes back at once on exit.
    Every file is closed by then (written through context managers), the standard streams and log
    handlers are flushed here, and worker processes and clients were shut down by their commands.
    """
    import os

    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(0 if code is None else int(code))


if __name__ == "__main__":  # python -m pipeline.cli
    main()
