"""Text reuse: which passages of a notice were copied, localised or rewritten from another.

Local alignment on characters, in two steps. Sentences first (sentences.py): each sentence is
masked (place names, unit names, numbers, 全省/县级 become placeholders, see text.py) and two
notices' sentences are paired one to one, most similar first, when the Dice coefficient
of their masked character bigrams reaches SENTENCE_MATCH_MIN. Then characters: within a
sentence pair, difflib's SequenceMatcher (cydifflib's C port of it) finds the common runs of
the masked texts; a run of at least MIN_RUN characters is a passage, and the differing
stretch between two runs is a passage too when both sides have comparable text there. Each
passage is classified on its exact spans:

    copied     text_a[span_a] == text_b[span_b]
    localised  different, but equal once masked (山西省 -> 壶关县, 10亿 -> 5亿, 全省 -> 全县)
    rewritten  different even masked, inside a sentence pair of similar wording

Characters in no passage are new local text. Which pairs of notices are compared is decided
by candidates.py (every pair up to 20 notices, else each notice's nearest neighbours by MinHash
LSH), so the work grows with N × neighbours, not N².
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
# difflib's SequenceMatcher in C: the same matching blocks (tests/test_properties.py checks it
# against difflib), 2-3 times faster; 10,000 notices match about a million sentence pairs.
from cydifflib import SequenceMatcher

from pipeline.compare.columns import ColumnTable
from pipeline.compare.parallel import compare_workers, fork_map
from pipeline.compare.sentences import MIN_RUN, SentenceColumns, SentenceTable, notice_sentences
from pipeline.compare.text import NUMERALS, PLACEHOLDER, Masked, Masker

COPIED, LOCALISED, REWRITTEN = "copied", "localised", "rewritten"
KINDS = (COPIED, LOCALISED, REWRITTEN)
# A differing stretch counts as rewritten when the shorter side has this share of the longer;
# otherwise one side inserted text the other does not have (new, not rewritten).
REWRITE_BALANCE = 0.3
# Pairs of notices per worker process below which the reuse stage stays in one process.
PARALLEL_MIN_PAIRS = 500
# Masked sentence pairs whose common runs are remembered before the memo starts again.
MATCH_MEMO_MAX = 200_000


@dataclass(frozen=True, slots=True)
class Passage:
    a: int  # notice indices
    start_a: int
    end_a: int
    b: int
    start_b: int
    end_b: int
    kind: str
    similarity: float  # Dice of the sentence pair it lies in


def classify(text_a: str, text_b: str, masker: Masker) -> str | None:
    """The reuse class of two passages, or None when they are equal neither raw nor masked
    and so can only be `rewritten` if their sentences are similar.

    >>> m = Masker(places=["壶关县", "山西省"])
    >>> classify("推动签约项目早落地", "推动签约项目早落地", m), classify("壶关县产值10亿元", "山西省产值5亿元", m)
    ('copied', 'localised')
    >>> classify("开工、投产", "投产、开工", m) is None
    True
    """
    if text_a == text_b:
        return COPIED
    if masker.masked_text(text_a) == masker.masked_text(text_b):
        return LOCALISED
    return None


def masked_runs(masked_a: str, masked_b: str) -> tuple[int, int, list[tuple[int, int, int, bool, bool]]]:
    """The lengths of two masked sentences and their common runs of at least MIN_RUN characters
    (difflib's matching blocks) as (start in a, start in b, size, a's run ends in a number, b's
    run ends in a number): all that runs_passages needs of the masked texts.

    >>> masked_runs("加快建设专业镇平台", "全力加快建设专业镇")
    (9, 9, [(0, 2, 7, False, False)])
    """
    number = PLACEHOLDER["number"]
    matcher = SequenceMatcher(None, masked_a, masked_b, autojunk=False)
    return len(masked_a), len(masked_b), [
        (block.a, block.b, block.size, masked_a[block.a + block.size - 1] == number,
         masked_b[block.b + block.size - 1] == number)
        for block in matcher.get_matching_blocks() if block.size >= MIN_RUN]


def _masked_passages(runs: tuple[int, int, list[tuple[int, int, int, bool, bool]]]) -> Iterator[tuple]:
    """The passages of a masked sentence pair whose common runs are ``runs`` (masked_runs), in
    order, in masked offsets: (start in a, end in a, start in b, end in b, the run's block), each
    run, and each differing stretch between two runs (block None) where both sides have
    comparable text.

    >>> list(_masked_passages((20, 21, [(0, 0, 6, False, False), (9, 10, 11, False, False)])))[1][:4]
    (6, 9, 6, 10)
    """
    length_a, length_b, blocks = runs
    previous_a = previous_b = 0
    for block in blocks + [None]:
        gap_end_a, gap_end_b = (block[0], block[1]) if block else (length_a, length_b)
        gap_a, gap_b = gap_end_a - previous_a, gap_end_b - previous_b
        if gap_a and gap_b and min(gap_a, gap_b) >= REWRITE_BALANCE * max(gap_a, gap_b):
            yield previous_a, gap_end_a, previous_b, gap_end_b, None
        if block is None:
            return
        run_a, run_b, size = block[:3]
        yield run_a, run_a + size, run_b, run_b + size, block
        previous_a, previous_b = run_a + size, run_b + size


def runs_passages(text_a: str, text_b: str, offsets_a: list[int], offsets_b: list[int],
                  runs: tuple[int, int, list[tuple[int, int, int, bool, bool]]],
                  masker: Masker) -> list[tuple[int, int, int, int, str]]:
    """The passages of a sentence pair whose masked common runs are ``runs`` (masked_runs);
    ``offsets_x[k]`` is where masked character k starts in text_x (one more: where the last ends).

    Each run is a passage, and so is the differing stretch between two runs when both sides have
    comparable text there; touching passages that keep their class together are joined.
    """
    found = []
    for first_a, last_a, first_b, last_b, block in _masked_passages(runs):
        start_a, end_a = offsets_a[first_a], offsets_a[last_a]
        start_b, end_b = offsets_b[first_b], offsets_b[last_b]
        piece_a, piece_b = text_a[start_a:end_a], text_b[start_b:end_b]
        if block is None:  # the stretch between two runs
            kind = classify(piece_a, piece_b, masker) or REWRITTEN
        elif piece_a == piece_b:
            kind = COPIED
        elif _masks_alone_as_in_context(block[3], piece_a) and _masks_alone_as_in_context(block[4], piece_b):
            kind = LOCALISED  # both pieces mask to the run they were found in: equal once masked
        else:
            kind = classify(piece_a, piece_b, masker) or REWRITTEN
        found.append((start_a, end_a, start_b, end_b, kind))
    return _merge_neighbours(found, text_a, text_b, masker)


# What a passage of a masked sentence pair is, besides its offsets (bits of masked_segments' last column).
RUN = 1  # a common run (else the differing stretch between two runs)
PLAIN = 2  # a run with no placeholder: its raw texts are its masked text, so equal
NUMBER_A = 4  # its masked text in a ends in the number placeholder
NUMBER_B = 8
EQUAL_MASKED = 16  # a stretch between runs whose masked texts are equal (short runs left out)
PLACEHOLDERS = re.compile("[" + "".join(PLACEHOLDER.values()) + "]")


def masked_segments(masked_a: str, masked_b: str, runs: tuple[int, int, list]) -> np.ndarray:
    """The passages runs_passages makes of a masked sentence pair before it looks at raw text
    (``runs``: masked_runs of the pair), one row each: start and end in a, start and end in b
    (masked offsets), and what the passage is (RUN, PLAIN, NUMBER_A, ...). It depends on the masked
    texts alone, so it is made once for every pair of notices where the pair of sentences recurs.

    >>> masked_segments("加快建设专业镇平台", "全力加快建设专业镇", masked_runs("加快建设专业镇平台", "全力加快建设专业镇")).tolist()
    [[0, 7, 2, 9, 3]]
    """
    number = PLACEHOLDER["number"]
    found = []
    for first_a, last_a, first_b, last_b, block in _masked_passages(runs):
        if block is None:  # the stretch between two runs
            piece_a, piece_b = masked_a[first_a:last_a], masked_b[first_b:last_b]
            flags = NUMBER_A * (piece_a[-1] == number) | NUMBER_B * (piece_b[-1] == number) \
                | EQUAL_MASKED * (piece_a == piece_b)
        else:
            flags = RUN | PLAIN * (PLACEHOLDERS.search(masked_a, first_a, last_a) is None) \
                | NUMBER_A * block[3] | NUMBER_B * block[4]
        found.append((first_a, last_a, first_b, last_b, flags))
    return np.array(found, dtype=np.int64).reshape(-1, 5)


def reworded_passages(columns: SentenceColumns, texts: Sequence[str], rows_a: np.ndarray, rows_b: np.ndarray,
                          similarity: np.ndarray, masker: Masker, memo: dict) -> tuple[np.ndarray, ...]:
    """The passages of sentence pairs whose masked texts differ (rows of ``columns`` in a and b,
    each of a pair of notices; ``texts`` are the notices' texts), exactly as runs_passages makes them, as
    PASSAGE_COLUMNS: a, start_a, end_a, b, start_b, end_b, kind (index into KINDS), similarity
    (of its sentence pair). ``memo``: masked sentence pairs met before, by their numbers in the
    SentenceTable, with their runs and segments.

    Per passage, only what needs raw text is looked at one by one: whether a run with
    placeholders is copied (raw texts equal) or localised. Sentence pairs where masking a piece
    alone could differ from its masking in the sentence (a Chinese numeral at a number's end),
    where a stretch between runs is equal once masked, or where two touching passages might join
    go through runs_passages itself (a few in a hundred).
    """
    parts = []
    for row_a, row_b, id_a, id_b in zip(rows_a.tolist(), rows_b.tolist(), columns.masked_ids[rows_a].tolist(),
                                        columns.masked_ids[rows_b].tolist()):
        known = memo.get((id_a, id_b))
        if known is None:
            if len(memo) >= MATCH_MEMO_MAX:
                memo.clear()
            masked_a, masked_b = columns.masked_text(row_a), columns.masked_text(row_b)
            runs = masked_runs(masked_a, masked_b)
            known = memo[(id_a, id_b)] = (runs, masked_segments(masked_a, masked_b, runs))
        parts.append(known)
    segments = np.concatenate([segment for _, segment in parts] or [np.zeros((0, 5), dtype=np.int64)])
    row = np.repeat(np.arange(len(parts)), [len(segment) for _, segment in parts])
    notice_a, notice_b = columns.owner[rows_a][row], columns.owner[rows_b][row]
    start_a, end_a = columns.original_offsets(notice_a, columns.first[rows_a][row], segments[:, 0], segments[:, 1])
    start_b, end_b = columns.original_offsets(notice_b, columns.first[rows_b][row], segments[:, 2], segments[:, 3])
    flags = segments[:, 4]
    kind = np.where(flags & RUN, KINDS.index(LOCALISED), KINDS.index(REWRITTEN)).astype(np.int8)
    kind[(flags & PLAIN) != 0] = KINDS.index(COPIED)
    check = np.flatnonzero((flags & (RUN | PLAIN)) == RUN)  # runs with placeholders: copied when raw-equal
    equal = [texts[na][sa:ea] == texts[nb][sb:eb] for na, sa, ea, nb, sb, eb in zip(
        notice_a[check].tolist(), start_a[check].tolist(), end_a[check].tolist(), notice_b[check].tolist(),
        start_b[check].tolist(), end_b[check].tolist())]
    kind[check[np.array(equal, dtype=bool)]] = KINDS.index(COPIED)
    special = (flags & EQUAL_MASKED) != 0
    for bit, notices, ends in ((NUMBER_A, notice_a, end_a), (NUMBER_B, notice_b, end_b)):
        at = np.flatnonzero(flags & bit)
        special[at[np.array([texts[notice][end - 1] in NUMERALS for notice, end in
                             zip(notices[at].tolist(), ends[at].tolist())], dtype=bool)]] = True
    kept = kind != KINDS.index(REWRITTEN)
    touching = (row[1:] == row[:-1]) & (end_a[:-1] == start_a[1:]) & (end_b[:-1] == start_b[1:]) \
        & kept[1:] & kept[:-1]
    special[1:] |= touching
    found = (notice_a, start_a, end_a, notice_b, start_b, end_b, kind, similarity[row])
    if not special.any():
        return found
    redo = np.zeros(len(parts), dtype=bool)
    redo[row[special]] = True
    keep = ~redo[row]
    redone: list[tuple[int, int, int, int, int, int, int, float]] = []
    for number in np.flatnonzero(redo).tolist():
        row_a, row_b = int(rows_a[number]), int(rows_b[number])
        notice_a, notice_b = int(columns.owner[row_a]), int(columns.owner[row_b])
        redone += [(notice_a, *passage[:2], notice_b, *passage[2:4], KINDS.index(passage[4]),
                    float(similarity[number]))
                   for passage in runs_passages(texts[notice_a], texts[notice_b], columns.bounds(row_a),
                                                columns.bounds(row_b), parts[number][0], masker)]
    return tuple(np.concatenate([values[keep], np.array([passage[field] for passage in redone], dtype=values.dtype)])
                 for field, values in enumerate(found))


def _masks_alone_as_in_context(ends_in_number: bool, piece: str) -> bool:
    """Whether ``piece``, a stretch of whole masked characters cut from a masked sentence, masks on
    its own to what it was in the sentence (so classify() need not mask it again);
    ``ends_in_number``: its last masked character is the number placeholder.

    Masking looks only forward: a word or number that starts in the piece ends in it (it is whole
    masked characters), so alone it matches the same, unless a match needed a character after the
    piece. Only a Chinese numeral does (三个, 一是: NUMBER's lookahead), so a piece whose last
    masked character is a number and whose last character is a numeral is masked again.

    >>> _masks_alone_as_in_context(True, "壶关县建成10"), _masks_alone_as_in_context(True, "建成三")
    (True, False)
    """
    return not (ends_in_number and piece[-1:] in NUMERALS)


def _merge_neighbours(found, text_a: str, text_b: str, masker: Masker):
    """Join touching passages whose union keeps the class of both (a sentence copied whole is one passage)."""
    merged: list[tuple[int, int, int, int, str]] = []
    for passage in found:
        if merged:
            last = merged[-1]
            if last[1] == passage[0] and last[3] == passage[2] and REWRITTEN not in (last[4], passage[4]):
                union = (last[0], passage[1], last[2], passage[3])
                kind = classify(text_a[union[0]:union[1]], text_b[union[2]:union[3]], masker)
                if kind is not None:
                    merged[-1] = (*union, kind)
                    continue
        merged.append(passage)
    return merged


def align_reuse(texts: Sequence[str], masker: Masker, pairs: Sequence[tuple[int, int]] | None = None,
                documents: Sequence[Masked] | None = None) -> Passages:
    """Reuse passages between the given pairs of texts (i < j; default every pair); ``documents``
    are the texts already masked."""
    count = len(texts)
    # Sorted, so that runs of it sorted on their own are in order one after the other.
    wanted = sorted(set(pairs)) if pairs is not None else [(i, j) for i in range(count) for j in range(i + 1, count)]
    workers = min(compare_workers(), len(wanted) // PARALLEL_MIN_PAIRS)
    table = SentenceTable()
    notices = notice_sentences(texts, documents if documents is not None else [masker.mask(text) for text in texts],
                               table, workers)
    # Pairs are independent: forked workers (they share the notices' arrays copy-on-write) take a
    # run of consecutive pairs each (neighbouring notices repeat sentence pairs the memo knows) and
    # sort its passages; the runs' columns then join in order (6 million passages at 10,000
    # notices: seconds of sorting, done in the workers).
    size = -(-len(wanted) // (workers * 4)) if workers > 1 else max(len(wanted), 1)
    runs = [wanted[first:first + size] for first in range(0, len(wanted), size)] or [wanted]
    table.shared_counts()  # counted once, here, for every worker (when the sets are few enough)
    columns = SentenceColumns(notices, adopt=True)
    # One memo per process, kept from run to run: each forked worker fills its own copy.
    blocks: dict[tuple[int, int], tuple] = {}
    parts = fork_map(lambda run: Passages.sorted_from([_pairs_passages(texts, masker, columns, run, blocks)]),
                     runs, workers)
    return Passages.joined(parts)


def _pairs_passages(texts: Sequence[str], masker: Masker, columns: SentenceColumns,
                    wanted: Sequence[tuple[int, int]], blocks: dict) -> dict[str, np.ndarray]:
    """The passages of the given pairs of notices, as unsorted columns; ``blocks`` remembers the
    common runs and segments of masked sentence pairs seen before (see reworded_passages), by
    their numbers in the SentenceTable."""
    found = PassageColumns()
    if not len(wanted):
        return found.unsorted()
    notices_a, notices_b = (np.array(values, dtype=np.int64) for values in zip(*wanted))
    pair, rows_a, rows_b, dice = columns.sentence_pairs(notices_a, notices_b)
    similarity = dice.copy()
    inexact = np.flatnonzero(dice != 1.0)
    similarity[inexact] = [round(value, 4) for value in dice[inexact].tolist()]
    # The common case in a corpus rewritten from one template: the masked sentences are equal, no
    # diff needed; copied when the raw sentences are equal too, else localised.
    same = columns.masked_ids[rows_a] == columns.masked_ids[rows_b]
    fast_a, fast_b = rows_a[same], rows_b[same]
    a, b = notices_a[pair[same]], notices_b[pair[same]]
    start_a, end_a, start_b, end_b = (columns.starts[fast_a], columns.ends[fast_a], columns.starts[fast_b],
                                      columns.ends[fast_b])
    alike = np.flatnonzero(columns.raw_hashes[fast_a] == columns.raw_hashes[fast_b])
    copied = np.zeros(len(fast_a), dtype=bool)
    copied[alike] = [texts[i][sa:ea] == texts[j][sb:eb] for i, sa, ea, j, sb, eb in zip(
        a[alike].tolist(), start_a[alike].tolist(), end_a[alike].tolist(), b[alike].tolist(),
        start_b[alike].tolist(), end_b[alike].tolist())]
    found.add_columns(a, start_a, end_a, b, start_b, end_b,
                      np.where(copied, KINDS.index(COPIED), KINDS.index(LOCALISED)), similarity[same])
    # Reworded sentences: their masked texts' common runs, remembered by sentence numbers (they
    # recur across a corpus), then mapped onto each pair's own text.
    slow = ~same
    if slow.any():
        found.add_columns(*reworded_passages(columns, texts, rows_a[slow], rows_b[slow], similarity[slow], masker,
                                             blocks))
    return found.unsorted()


class PassageColumns:
    """Passages kept as chunks of columns (a thousand notices reuse ~600,000 passages: as objects,
    hundreds of MB)."""

    def __init__(self) -> None:
        self.chunks: list[list[np.ndarray]] = []

    def add_columns(self, *columns: np.ndarray) -> None:
        """Passages given as PASSAGE_COLUMNS (``kind`` as indices into KINDS)."""
        if len(columns[0]):
            self.chunks.append(list(columns))

    def unsorted(self) -> dict[str, np.ndarray]:
        """The passages as columns, in no particular order."""
        return {name: np.concatenate([chunk[number] for chunk in self.chunks] or [np.zeros(0)]).astype(code, copy=False)
                for number, (name, code) in enumerate(PASSAGE_COLUMNS)}


PASSAGE_COLUMNS = (("a", np.int64), ("start_a", np.int64), ("end_a", np.int64), ("b", np.int64),
                   ("start_b", np.int64), ("end_b", np.int64), ("kind", np.int8), ("similarity", np.float64))


def passage_order(a: np.ndarray, b: np.ndarray, start_a: np.ndarray, start_b: np.ndarray) -> np.ndarray:
    """The order of passages by notice a, notice b, start in a, start in b: a stable sort of one
    integer key when the four fit in 63 bits (10,000 notices' passages come pair after pair, each
    pair's nearly in order already: the sort finds those runs), else a sort by the four.

    >>> passage_order(np.array([1, 0, 0]), np.array([2, 2, 1]), np.array([0, 5, 9]), np.array([0, 1, 1])).tolist()
    [2, 1, 0]
    """
    if not len(a):
        return np.zeros(0, dtype=np.int64)
    notices = int(max(a.max(), b.max())) + 1
    length = int(max(start_a.max(), start_b.max())) + 1
    if notices * notices * length * length >= 1 << 63:
        return np.lexsort((start_b, start_a, b, a))
    key = ((a.astype(np.int64) * notices + b) * length + start_a) * length + start_b
    return np.argsort(key, kind="stable")


class Passages(ColumnTable):
    """The passages found, column by column (``columns["start_a"]`` …); indexing or iterating
    gives Passage records. ``joined`` keeps the parts' order: the passages are sorted when each
    part is and each part's pairs of notices come after the previous part's."""

    COLUMNS = PASSAGE_COLUMNS

    @classmethod
    def sorted_from(cls, parts: Sequence[dict[str, np.ndarray]]) -> Passages:
        """Columns of several parts together, by notice a, notice b, start in a, start in b (no two
        passages share all four, so the order of the parts does not matter).

        >>> values = [[0, 0, 0], [9, 2, 2], [12, 5, 4], [1, 1, 1], [0, 7, 3], [3, 10, 5], [0, 0, 1], [1.0] * 3]
        >>> part = {name: np.array(column) for (name, _), column in zip(PASSAGE_COLUMNS, values)}
        >>> [(p.start_a, p.start_b) for p in Passages.sorted_from([part])]
        [(2, 3), (2, 7), (9, 0)]
        """
        columns = {name: np.concatenate([part[name] for part in parts]) if len(parts) != 1 else parts[0][name]
                   for name, _ in PASSAGE_COLUMNS}
        order = passage_order(columns["a"], columns["b"], columns["start_a"], columns["start_b"])
        return cls({name: values[order] for name, values in columns.items()})

    def record(self, index: int) -> Passage:
        return next(self.rows(index, index + 1))

    def __iter__(self):
        return self.rows()

    def rows(self, start: int = 0, stop: int | None = None, chunk: int = 65536) -> Iterator[Passage]:
        stop = len(self) if stop is None else stop
        for first in range(start, stop, chunk):
            part = {name: values[first:min(first + chunk, stop)].tolist() for name, values in self.columns.items()}
            for a, start_a, end_a, b, start_b, end_b, kind, similarity in zip(
                    part["a"], part["start_a"], part["end_a"], part["b"], part["start_b"], part["end_b"],
                    part["kind"], part["similarity"]):
                yield Passage(a, start_a, end_a, b, start_b, end_b, KINDS[kind], similarity)


def text_shares(texts: Sequence[str], owners: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                kinds: np.ndarray) -> list[dict[str, float | int]]:
    """Per text, the share of its non-space characters in each class (copied beats localised beats
    rewritten; ``new`` is what is left) of the spans (span k lies in ``texts[owners[k]]``, ``kinds``
    as indices into KINDS). The texts are laid end to end and each character's best class is found
    for all of them in one pass (per text, numpy's per-call cost was most of the time: 10,000
    notices, 4 s).

    >>> [share["copied"] for share in text_shares(["abcd", "", "xy"], np.array([0, 2]), np.array([0, 0]),
    ...                                           np.array([2, 1]), np.array([0, 0]))]
    [0.5, 0.0, 0.5]
    >>> text_shares(["abcdefghij"], np.array([0, 0]), np.array([0, 0]), np.array([5, 2]), np.array([2, 0]))
    [{'chars': 10, 'copied': 0.2, 'localised': 0.0, 'rewritten': 0.3, 'new': 0.5}]
    """
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    bases = np.concatenate(([0], np.cumsum(lengths)))
    length = int(bases[-1])
    owners = np.asarray(owners, dtype=np.int64)
    at_start, at_end = bases[owners] + starts, bases[owners] + ends
    # Per character, its class: 1 new, 2 rewritten, 3 localised, 4 copied (a higher class
    # overwrites a lower one), then 0 where it is not counted (white space).
    best = np.ones(length, dtype=np.int8)
    for number, kind in enumerate((REWRITTEN, LOCALISED, COPIED), 2):
        chosen = kinds == KINDS.index(kind)
        # +1 where a span starts, -1 where it ends (bincount: np.add.at is several times slower); a
        # span ends at most where its text does, so it covers nothing of the next one.
        change = (np.bincount(at_start[chosen], minlength=length + 1)
                  - np.bincount(at_end[chosen], minlength=length + 1))
        best[np.cumsum(change)[:-1] > 0] = number
    joined = "".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _space_table()
    counted = ~table[np.minimum(points, len(table) - 1)]
    for index in np.flatnonzero(points >= len(table) - 1).tolist():  # beyond the BMP: ask str
        counted[index] = not joined[index].isspace()
    best[~counted] = 0
    # Per text, its characters of each class, in one count.
    classes = np.bincount(np.repeat(np.arange(len(texts)) * 5, lengths) + best,
                          minlength=5 * len(texts)).reshape(-1, 5).tolist()
    totals = [sum(row[1:]) for row in classes]
    found = {kind: [row[number] for row in classes] for number, kind in enumerate((REWRITTEN, LOCALISED, COPIED), 2)}
    results = []
    for number, total in enumerate(totals):
        result: dict[str, float | int] = {"chars": total}
        for kind in KINDS:
            result[kind] = round(float(found[kind][number]) / total, 4) if total else 0.0
        result["new"] = round(1 - sum(result[k] for k in KINDS), 4) if total else 0.0
        results.append(result)
    return results


@cache
def _space_table() -> np.ndarray:
    return np.array([chr(point).isspace() for point in range(0x10000)], dtype=bool)
