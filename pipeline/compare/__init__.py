"""Compare notices across counties: actions aligned by meaning, thresholds side by side,
roles that moved, and text reused.

Reads records (``OUT/notices.jsonl``), never raw files; a template notice is read through
the normal pipeline first. One module per concern:

=============  ==========================================================
text.py        sentences, masking of local words, character n-gram TF-IDF
candidates.py  which pairs of notices to compare (all, or MinHash LSH neighbours)
align.py       pairwise optimal assignment and grouping across notices
columns.py     matches and passages kept as numpy columns, read as records
actions.py     which actions do the same thing
thresholds.py  which thresholds set the same bar
roles.py       who leads and cooperates on each action group, per notice
sentences.py   sentences numbered once, and paired across notices by their bigrams
reuse.py       copied / localised / rewritten passages and their shares
tables.py      the tables of ``OUT/compare/`` (also as pandas DataFrames)
reuse_csv.py   reuse.csv's rows as bytes, laid out by Apache Arrow
parallel.py    forked workers (fork_map) and background tasks
report.py      ``OUT/compare/report.html``
=============  ==========================================================

>>> from pipeline.compare import compare_out  # doctest: +SKIP
>>> comparison = compare_out(Path("outputs"))  # doctest: +SKIP
>>> comparison.frames()["roles"].query("changed")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.compare import candidates
from pipeline.compare.actions import AlignedAction, align_actions
from pipeline.compare.align import Matches
from pipeline.compare.parallel import BackgroundTask, without_cycle_collection
from pipeline.compare.reuse import Passages, align_reuse
from pipeline.compare.roles import RoleRow, role_rows
from pipeline.compare.text import mask_all, masker_for
from pipeline.compare.thresholds import AlignedThreshold, align_thresholds
from pipeline.jsonl import parse_record

__all__ = ["Comparison", "CompareError", "compare", "compare_out", "compare_out_if_several", "load_records"]


# Reused passages from which compare_out writes reuse.csv, and counts the reuse shares, in forked
# processes while actions and thresholds are aligned (10,000 notices: 6 million passages, 12 s of
# writing and 5 s of counting); fewer take less time to write than to fork for.
BACKGROUND_REUSE_MIN_PASSAGES = 200_000


# Notices from which roles are found in a forked process while thresholds are aligned.
BACKGROUND_ROLES_MIN_NOTICES = 2000


class CompareError(ValueError):
    """OUT cannot be compared (no notices.jsonl, fewer than two notices, a broken line)."""


@dataclass
class Comparison:
    """Everything the comparison found; ``tables()`` / ``frames()`` give it as rows."""
    records: list[dict]
    labels: list[str]
    actions: list[AlignedAction]
    action_matches: Matches
    thresholds: list[AlignedThreshold]
    roles: list[RoleRow]
    passages: Passages  # notice indices; index len(records) is the template
    template: dict | None = None
    template_label: str | None = None
    files: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command's stderr: what was aligned and how much text is reused."""
        groups = {row.group for row in self.actions}
        shared = sum(1 for g in groups if sum(row.group == g for row in self.actions) > 1)
        bars = {row.group for row in self.thresholds}
        shared_bars = sum(1 for g in bars if sum(row.group == g for row in self.thresholds) > 1)
        return (f"{len(self.records)} notices compared: {len(groups)} action groups ({shared} in several notices), "
                f"{len(bars)} threshold groups ({shared_bars} in several), "
                f"{sum(row.changed for row in self.roles)} unit roles that differ, {len(self.passages)} reused passages")

    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        from pipeline.compare.tables import build_tables
        return build_tables(self)

    def frames(self) -> dict:
        """The tables as pandas DataFrames, by name (actions, thresholds_wide, roles, reuse_shares, ...)."""
        import pandas as pd
        return {name: pd.DataFrame(rows, columns=header) for name, (header, rows) in self.tables().items()}


def notices_file(path: Path) -> Path:
    """The notices.jsonl that ``path`` names (a file, or the one in an OUT folder); CompareError if none."""
    path = path / "notices.jsonl" if path.is_dir() else path
    if not path.is_file():
        raise CompareError(f"{path}: no such file; run `policymap extract` first")
    return path


def load_records(path: Path) -> list[dict]:
    """Records of a notices.jsonl (or of OUT/notices.jsonl when given a folder), sorted by source."""
    path = notices_file(path)
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(parse_record(line))
            except json.JSONDecodeError as err:
                raise CompareError(f"{path}: line {number} is not JSON: {err.msg}") from err
    return sorted(records, key=lambda r: r["source"])


def notice_place(record: dict) -> str:
    """The county of a notice, or its city or province, or its file stem."""
    region = record.get("region") or {}
    return region.get("county") or region.get("city") or region.get("province") or Path(record["source"]).stem


def notice_labels(records: list[dict]) -> list[str]:
    """A short column label per notice: its county (or city), made unique with the file stem."""
    names = [notice_place(r) for r in records]
    uses = Counter(names)  # not names.count per notice: quadratic, seconds at 10,000 notices
    return [name if uses[name] == 1 else f"{name}({Path(r['source']).stem})" for name, r in zip(names, records)]


def _quiet(message: str) -> None:
    """The progress callback when none is given."""


ReuseFound = Callable[[list[dict], "dict | None", Passages], None]


def compare(records: list[dict], template: dict | None = None,
            progress: Callable[[str], None] | None = None, reuse_found: ReuseFound | None = None) -> Comparison:
    """Compare records (at least two); the template, if any, only enters text reuse.

    ``progress`` is told of each stage as it starts (10,000 notices take minutes).
    ``reuse_found(records, template, passages)`` is called as soon as the reused passages are
    known, before actions and thresholds are aligned (records sorted as in the Comparison):
    compare_out starts writing reuse.csv then.
    """
    if len(records) < 2:
        raise CompareError(f"comparison needs at least two notices, got {len(records)}")
    with without_cycle_collection():
        return _compare(records, template, progress or _quiet, reuse_found)


def _compare(records: list[dict], template: dict | None, tell: Callable[[str], None],
             reuse_found: ReuseFound | None) -> Comparison:
    records = sorted(records, key=lambda r: r["source"])
    everything = records + ([template] if template else [])
    tell(f"masking {len(everything):,} notices")
    masker = masker_for(everything)
    documents = mask_all(masker, [r.get("text") or "" for r in everything])  # each text is masked once
    count = len(records)
    ranked: list[candidates.RankedCandidates] = []  # the LSH index, built once for both sets of pairs

    def pairs_for(all_pairs_max: int, neighbours: int) -> list[tuple[int, int]]:
        if count <= all_pairs_max:
            return candidates.all_pairs(count)
        if not ranked:
            ranked.append(candidates.ranked_candidates([document.text for document in documents[:count]]))
        return candidates.neighbour_pairs(ranked[0], neighbours)

    tell("choosing the pairs of notices to compare")
    pairs = pairs_for(candidates.ALL_PAIRS_MAX_NOTICES, candidates.NEIGHBOURS)
    reuse_pairs = pairs_for(candidates.REUSE_ALL_PAIRS_MAX_NOTICES, candidates.REUSE_NEIGHBOURS)
    # Reuse first: its passages are the largest output, and compare_out writes them while
    # actions and thresholds are aligned.
    reuse_pairs = reuse_pairs + ([(i, count) for i in range(count)] if template else [])
    tell(f"finding reused text ({len(reuse_pairs):,} pairs)")
    passages = align_reuse([r.get("text") or "" for r in everything], masker, reuse_pairs, documents)
    if reuse_found is not None:
        reuse_found(records, template, passages)
    tell(f"aligning actions ({len(pairs):,} pairs)")
    actions, matches = align_actions(records, masker, pairs, documents[:count])
    # Who leads what is read off every unit of every action (10,000 notices: a million, 1.5 s in
    # one process): in a forked process while thresholds are aligned, for a large corpus.
    roles_found = BackgroundTask(lambda: role_rows(records, actions)) if count >= BACKGROUND_ROLES_MIN_NOTICES \
        else None
    tell(f"aligning thresholds ({len(pairs):,} pairs)")
    try:
        thresholds = align_thresholds(records, pairs, masker, documents[:count])
    except BaseException:
        if roles_found is not None:
            roles_found.cancel()
        raise
    roles = roles_found.join() if roles_found is not None else role_rows(records, actions)
    return Comparison(records, notice_labels(records), actions, matches, thresholds, roles, passages, template,
                      template_label(template))


def template_label(template: dict | None) -> str | None:
    """The template's column label (template:山西省), None without one."""
    return "template:" + notice_place(template) if template else None


def compare_out(out: Path, template: Path | None = None, write: bool = True,
                progress: Callable[[str], None] | None = None) -> Comparison:
    """Compare the notices of OUT (and a template file) and write OUT/compare/; ``progress`` is
    told of each stage as it starts."""
    tell = progress or _quiet
    tell(f"reading {notices_file(out)}")
    with without_cycle_collection():  # see compare(); loading makes millions of objects too
        return _compare_out(out, template, write, tell)


def _compare_out(out: Path, template: Path | None, write: bool, tell: Callable[[str], None]) -> Comparison:
    records = load_records(out)
    template_record = None
    if template is not None:
        from pipeline.run import process_file  # the template goes through the normal pipeline
        template_record = process_file(template).to_record()
    if not write:
        return compare(records, template_record, tell)
    from pipeline.compare.tables import BackgroundReuseCsv, shares_table, write_comparison

    folder = out / "compare"
    pending = folder / ".reuse.csv.pending"  # renamed to reuse.csv once every table is written
    writers: list[BackgroundReuseCsv] = []
    shares: list[BackgroundTask] = []  # reuse_shares, counted meanwhile too

    def write_reuse_meanwhile(sorted_records: list[dict], template_found: dict | None, passages: Passages) -> None:
        if len(passages) >= BACKGROUND_REUSE_MIN_PASSAGES:
            tell(f"writing reuse.csv ({len(passages):,} reused passages) while aligning")
            writers.append(BackgroundReuseCsv(pending, sorted_records, template_found, passages))
            shares.append(BackgroundTask(lambda: shares_table(sorted_records, notice_labels(sorted_records),
                                                              template_found, template_label(template_found),
                                                              passages)))

    try:
        comparison = compare(records, template_record, tell, write_reuse_meanwhile)
        tell(f"writing {folder} ({len(comparison.passages):,} reused passages)")
        ready = {"reuse_shares": task.join() for task in shares}
        comparison.files = write_comparison(folder, comparison, reuse_written=bool(writers), ready=ready)
        for writer in writers:
            tell("writing the rest of reuse.csv")
            writer.finish()  # this process takes half of the rows the writer has not reached
            pending.replace(folder / "reuse.csv")
    except BaseException:
        for task in writers + shares:
            task.cancel()
        pending.unlink(missing_ok=True)
        raise
    return comparison


def compare_out_if_several(out: Path, progress: Callable[[str], None] | None = None) -> Comparison | None:
    """``compare_out(out)`` when OUT holds two or more notices (what ``policymap extract`` runs), else None."""
    with notices_file(out).open("rb") as fh:  # counted, not parsed: compare_out parses it (seconds at 10,000)
        if sum(1 for line in fh if line.strip()) < 2:
            return None
    return compare_out(out, progress=progress)
