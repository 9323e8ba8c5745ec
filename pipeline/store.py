"""notices.jsonl on disk, read back as :class:`~pipeline.run.NoticeResult` one at a time.

Later stages (tables, matrices, graph, comparison) iterate over a :class:`NoticeStore`
instead of a list held in memory, so a run over ten thousand notices keeps memory flat.
A line that does not parse (the tail of a run killed mid-write) is skipped with a warning.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from extractors.records import Action, CitedPolicy, Metadata, Region, Threshold, Unit
from pipeline.jsonl import parse_record
from pipeline.run import NoticeResult

log = logging.getLogger(__name__)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _span(value) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _unit(record: dict) -> Unit:
    return Unit(record["name"], record.get("canonical"), record.get("level"), _span(record.get("span")) or (0, 0))


def result_from_record(record: dict) -> NoticeResult:
    """Rebuild the typed result of one notices.jsonl object (inverse of ``to_record``)."""
    region = record.get("region") or {}
    metadata = Metadata(
        doc_number=record.get("doc_number"), issuer=record.get("issuer"), title=record.get("title"),
        plan_title=record.get("plan_title"), signed_date=record.get("signed_date"),
        published_date=record.get("published_date"),
        region=Region(region.get("province"), region.get("city"), region.get("county")),
        cited_policies=tuple(CitedPolicy(c["title"], c.get("doc_number"), _span(c.get("span")) or (0, 0))
                             for c in record.get("cited_policies") or []),
        index_number=record.get("index_number"), publishing_agency=record.get("publishing_agency"),
        addressees=tuple(record.get("addressees") or ()),
    )
    thresholds = [Threshold(t["text"], t.get("metric"), t.get("subject"), t["op"], _decimal(t["value"]),
                            _decimal(t.get("value_max")), t["unit"], t.get("year"), _span(t["span"]), t.get("rule", ""))
                  for t in record.get("thresholds") or []]
    actions = [Action(a["number"], a.get("marker", ""), a["title"],
                      tuple(_unit(u) for u in a.get("lead") or []),
                      tuple(_unit(u) for u in a.get("cooperating") or []),
                      _span(a["span"]), _span(a.get("title_span")) or (0, 0), _span(a.get("responsibility_span")),
                      a.get("rule", ""))
               for a in record.get("actions") or []]
    return NoticeResult(source=record["source"], status=record.get("status", "ok"), metadata=metadata,
                        thresholds=thresholds, actions=actions, warnings=list(record.get("warnings") or []),
                        text=record.get("text", ""), encoding=record.get("encoding"), format=record.get("format"),
                        sha256=record.get("sha256"))


def iter_records(path: Path) -> Iterator[dict]:
    """Parsed objects of a notices.jsonl file; unparsable lines are logged and skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield parse_record(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: incomplete line skipped (interrupted run?)", path, number)


class NoticeStore:
    """A re-iterable, lazily read sequence of results backed by a notices.jsonl file."""

    def __init__(self, path: Path):
        self.path = path
        self._length: int | None = None

    def __iter__(self) -> Iterator[NoticeResult]:
        for record in iter_records(self.path):
            yield result_from_record(record)

    def __len__(self) -> int:
        if self._length is None:
            self._length = sum(1 for _ in iter_records(self.path))
        return self._length
