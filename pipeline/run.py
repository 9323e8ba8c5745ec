"""Orchestration: one file through every stage, and a batch of files into OUT.

Each notice goes through the stages on one :class:`NoticeResult`, which ends as
``ok``, ``partial`` (extracted, with warnings) or ``failed`` (could not be read).
A failed file never stops a batch; it is listed in ``OUT/skipped.csv``.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from extractors.actions import extract_actions
from extractors.knowledge import Knowledge, default_knowledge
from extractors.metadata import extract_metadata
from extractors.records import Action, Metadata, Threshold, Unit
from extractors.thresholds import extract_thresholds
from pipeline.normalise import normalise
from pipeline.outline import outline
from pipeline.readers import KNOWN_SUFFIXES, read
from pipeline.readers.traditional import restore_printed

log = logging.getLogger(__name__)


@dataclass(slots=True)
class NoticeResult:
    source: str
    status: str = "ok"  # ok | partial | failed
    metadata: Metadata | None = None
    thresholds: list[Threshold] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    text: str = ""
    encoding: str | None = None
    format: str | None = None
    sha256: str | None = None  # of the input file's bytes: --resume skips files already in OUT
    page_starts: list[int] = field(default_factory=list)  # offset in text where each page starts (PDF)

    @property
    def stem(self) -> str:
        return Path(self.source).stem

    def units(self) -> Iterator[tuple[Action, Unit, str]]:
        for action in self.actions:
            for unit in action.lead:
                yield action, unit, "lead"
            for unit in action.cooperating:
                yield action, unit, "cooperating"

    def to_record(self) -> dict:
        """The notices.jsonl object, with the field names CONTRACT.md fixes."""
        meta = self.metadata or Metadata()
        return {
            "source": self.source,
            "doc_number": meta.doc_number,
            "issuer": meta.issuer,
            "title": meta.title,
            "plan_title": meta.plan_title,
            "signed_date": meta.signed_date,
            "published_date": meta.published_date,
            "region": {"province": meta.region.province, "city": meta.region.city, "county": meta.region.county},
            "cited_policies": [{"title": c.title, "doc_number": c.doc_number, "span": list(c.span)}
                               for c in meta.cited_policies],
            "thresholds": [_threshold_record(t) for t in self.thresholds],
            "actions": [_action_record(a) for a in self.actions],
            "warnings": list(self.warnings),
            "status": self.status,
            "index_number": meta.index_number,
            "publishing_agency": meta.publishing_agency,
            "addressees": list(meta.addressees),
            "format": self.format,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "page_starts": self.page_starts or None,
            "text": self.text,
        }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _threshold_record(threshold: Threshold) -> dict:
    return {"text": threshold.text, "metric": threshold.metric, "subject": threshold.subject,
            "op": threshold.op, "value": _number(threshold.value), "value_max": _number(threshold.value_max),
            "unit": threshold.unit, "year": threshold.year, "span": list(threshold.span), "rule": threshold.rule}


def _unit_record(unit: Unit) -> dict:
    return {"name": unit.name, "canonical": unit.canonical, "level": unit.level, "span": list(unit.span)}


def _action_record(action: Action) -> dict:
    return {"number": action.number, "marker": action.marker, "title": action.title,
            "lead": [_unit_record(u) for u in action.lead],
            "cooperating": [_unit_record(u) for u in action.cooperating],
            "span": list(action.span), "title_span": list(action.title_span),
            "responsibility_span": list(action.responsibility_span) if action.responsibility_span else None,
            "rule": action.rule}


def extract_text(source: str, text: str, knowledge: Knowledge, *, printed: str | None = None,
                 page_starts: Sequence[int] = ()) -> NoticeResult:
    """Run every extractor on decoded text; the stages after reading.

    ``printed``: when ``text`` is the simplified view of a notice printed in traditional
    characters (same length), the text as printed; names, titles and texts then quote it.
    ``page_starts``: offsets in ``text`` where each page starts, mapped into the normalised text.
    """
    normalised = normalise(text)
    body = normalised.text
    sections = outline(body)
    result = NoticeResult(source=source, text=body)
    result.metadata = extract_metadata(body, knowledge.regions)
    result.thresholds = extract_thresholds(body)
    result.actions = extract_actions(body, sections, knowledge.units)
    if printed is not None:
        restore_printed(result, normalised, printed)
    result.page_starts = [bisect_left(normalised.offsets, start) for start in page_starts]
    if not result.actions:
        result.warnings.append("actions: no numbered task list found")
    for action in result.actions:
        result.warnings.extend(f"actions: {action.marker}{action.title}: {w}" for w in action.warnings)
    unknown = sorted({unit.name for _, unit, _ in result.units() if unit.canonical is None})
    if unknown:
        result.warnings.append(f"units: {len(unknown)} unit(s) not in the unit table: {'、'.join(unknown)}")
    meta = result.metadata
    missing = [name for name in ("doc_number", "title", "signed_date") if getattr(meta, name) is None]
    if missing:
        result.warnings.append(f"metadata: not found: {', '.join(missing)}")
    return result


def process_file(path: Path | str, source: str | None = None, knowledge: Knowledge | None = None,
                 ocr: bool | None = None, pdf_engine: str | None = None) -> NoticeResult:
    """Read and extract one file. Raises :class:`ReadError` when it cannot be read.

    ``ocr`` reads scanned PDFs through Tesseract (None: as POLICYMAP_OCR says);
    ``pdf_engine`` is pdfplumber or pypdfium2 (None: as POLICYMAP_PDF_ENGINE says, else pdfplumber).
    """
    knowledge = knowledge or default_knowledge()
    document = read(path, ocr=ocr, pdf_engine=pdf_engine)
    printed = document.text if document.simplified is not None else None
    result = extract_text(source or str(path), document.simplified or document.text, knowledge,
                          printed=printed, page_starts=document.page_starts)
    result.warnings[:0] = [f"read: {w}" for w in document.warnings]
    result.encoding, result.format = document.encoding, document.format
    if result.warnings:
        result.status = "partial"
    return result


def discover(inputs: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Files to process, as (path, source as given), and inputs skipped with a reason.

    Folders are walked recursively in sorted order, following no symlinked folders
    (a link loop cannot trap the walk); hidden files and unknown suffixes are ignored.
    """
    files: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    for given in inputs:
        if given.is_dir():
            for path in sorted(_walk(given)):
                if path.suffix.lower() in KNOWN_SUFFIXES:
                    # FIFOs, sockets and devices reach extract_one, which skips them with a reason.
                    files.append((path, str(path)))
        elif given.exists():
            files.append((given, str(given)))
        else:
            skipped.append((str(given), "no such file or folder"))
    return files, skipped


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        log.warning("%s: cannot list folder: %s", folder, err.strerror or err)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and entry.is_dir():
            continue
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry
