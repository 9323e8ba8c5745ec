"""Text reuse: which passages of a notice were copied, localised or rewritten from another.

Local alignment on characters, in two steps. Sentences first: each sentence is masked
(place names, unit names, numbers, 全省/县级 become placeholders, see text.py) and two
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
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
# difflib's SequenceMatcher in C: the same matching blocks (tests/test_properties.py checks it
# against difflib), 2-3 times faster; 10,000 notices match about a million sentence pairs.
from cydifflib import SequenceMatcher
from scipy import sparse

from pipeline.compare.columns import ColumnTable
from pipeline.compare.parallel import compare_workers, fork_map
from pipeline.compare.text import NUMERALS, PLACEHOLDER, Masked, Masker, sentence_spans

COPIED, LOCALISED, REWRITTEN = "copied", "localised", "rewritten"
KINDS = (COPIED, LOCALISED, REWRITTEN)
# Two sentences are versions of one another from this Dice of masked character bigrams up.
SENTENCE_MATCH_MIN = 0.5
# A common run shorter than this (after masking) is coincidence, not reuse: 4 characters is
# one Chinese phrase (专业镇的), 6 is the shortest run that is copying rather than vocabulary.
MIN_RUN = 6
# A differing stretch counts as rewritten when the shorter side has this share of the longer;
# otherwise one side inserted text the other does not have (new, not rewritten).
REWRITE_BALANCE = 0.3
# Pairs of notices per worker process below which the reuse stage stays in one process.
PARALLEL_MIN_PAIRS = 500
# Masked sentence pairs whose common runs are remembered before the memo starts again.
MATCH_MEMO_MAX = 200_000
# Up to this many distinct bigram sets (10,000 notices rewritten from one template: 2,300), the
# bigrams every two sets share are counted once for the whole comparison (a 4-byte count a pair of
# sets: 64 MB at most) instead of in a product per pair of notices.
SHARED_COUNTS_MAX_SETS = 4096


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


def _letters(text: str) -> np.ndarray:
    """1 where a character of ``text`` is a letter (Unicode category L*), else 0."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _letter_table()
    found = table[np.minimum(points, len(table) - 1)]
    for index in np.flatnonzero(points >= len(table) - 1).tolist():  # beyond the BMP: ask unicodedata
        found[index] = unicodedata.category(text[index])[0] == "L"
    return found


@cache
def _letter_table() -> np.ndarray:
    return np.array([unicodedata.category(chr(point))[0] == "L" for point in range(0x10000)], dtype=np.int64)


class SentenceTable:
    """The distinct masked sentences of a comparison, each numbered once, with the number of its
    character-bigram set and the set's size and keys. A corpus rewritten from one template repeats
    its sentences (10,000 notices: 1.2 million sentences, 2,400 distinct masked), so equal masked
    texts and equal bigram sets are equal numbers: exact, with no hash to check pair by pair.

    >>> table = SentenceTable()
    >>> [table.add(text) for text in ("开工投产开工", "投产开工。", "开工投产开工", "投产开工投产")]
    [0, 1, 0, 2]
    >>> table.set_of, table.size_of  # 开工投产开工 and 投产开工投产: other texts, one bigram set
    ([0, 1, 0], [4, 4, 4])
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.set_of: list[int] = []  # per masked sentence, its bigram set's number
        self.size_of: list[int] = []  # per masked sentence, its number of distinct bigrams
        self.sets: dict[bytes, int] = {}
        # Per set, its bigrams as sorted 64-bit integers, as bytes (one object a set: a corpus not
        # copied from a template has millions of distinct sentences).
        self.set_keys: list[bytes] = []
        self._shared_counts: np.ndarray | None = None  # shared_counts() of the sets so far

    def add(self, masked: str) -> int:
        """The number of a masked sentence (a new one when first seen)."""
        found = self.ids.get(masked)
        if found is None:
            codes = sorted({(ord(masked[k]) << 21) | ord(masked[k + 1]) for k in range(len(masked) - 1)})
            key = np.array(codes, dtype=np.int64).tobytes()
            set_number = self.sets.get(key)
            if set_number is None:
                set_number = self.sets[key] = len(self.set_keys)
                self.set_keys.append(key)
                self._shared_counts = None
            found = self.ids[masked] = len(self.set_of)
            self.set_of.append(set_number)
            self.size_of.append(len(codes))
        return found

    def shared_counts(self) -> np.ndarray | None:
        """How many bigrams every two sets share (set × set), or None past SHARED_COUNTS_MAX_SETS sets.

        >>> table = SentenceTable()
        >>> [table.add(text) for text in ("开工投产", "投产开工", "建设平台")]
        [0, 1, 2]
        >>> table.shared_counts().tolist()
        [[3, 2, 0], [2, 3, 0], [0, 0, 3]]
        """
        if len(self.set_keys) > SHARED_COUNTS_MAX_SETS:
            return None
        if self._shared_counts is None or len(self._shared_counts) != len(self.set_keys):
            sizes = [len(key) // 8 for key in self.set_keys]
            vocabulary, columns = np.unique(np.frombuffer(b"".join(self.set_keys), dtype=np.int64),
                                            return_inverse=True)
            incidence = sparse.csr_matrix((np.ones(len(columns), dtype=np.int32), columns.ravel(),
                                           np.concatenate(([0], np.cumsum(sizes)))),
                                          shape=(len(self.set_keys), len(vocabulary)))
            self._shared_counts = (incidence @ incidence.T).toarray().astype(np.int32)
        return self._shared_counts


class NoticeSentences:
    """The sentences of one notice as arrays: raw [start, end), masked [first, last), the numbers
    of the masked sentence and of its bigram set in ``table`` (shared by the notices compared),
    the set's size, and a hash of the raw text.

    A sentence with fewer than MIN_RUN letters besides its placeholders (2023年10月30日,
    闻政办发〔2023〕33号) is left out: every notice has one, and matching them says nothing about reuse.
    """

    def __init__(self, text: str, document: Masked, table: SentenceTable | None = None,
                 found: SentenceArrays | None = None) -> None:
        """``found``: ``sentence_arrays(text, document, table)``, made already (in a worker process,
        with the masked-sentence numbers of ``table``)."""
        self.text, self.document = text, document
        self.table = SentenceTable() if table is None else table
        found = sentence_arrays(text, document, self.table) if found is None else found
        self.starts, self.ends, self.first, self.last, self.masked_ids, self.raw_hashes, occurrence = found
        # By sentence, not an array of the whole table per notice (millions of entries in a corpus
        # not rewritten from one template).
        set_of, size_of = self.table.set_of, self.table.size_of
        self.set_ids = np.array([set_of[number] for number in self.masked_ids.tolist()], dtype=np.int64)
        self.sizes = np.array([size_of[number] for number in self.masked_ids.tolist()], dtype=np.int64)
        # Each set with its occurrence number among equal ones (the k-th sentence of a set in one
        # notice pairs with the k-th of that set in the other), as one key per sentence.
        self.pair_keys = (self.set_ids << 32) | occurrence

    def __len__(self) -> int:
        return len(self.first)

    def masked_text(self, row: int) -> str:
        return self.document.text[self.first[row]:self.last[row]]


SentenceArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def sentence_arrays(text: str, document: Masked, table: SentenceTable) -> SentenceArrays:
    """The sentences of a notice (see NoticeSentences) as arrays: raw starts and ends, masked first
    and last, the masked sentences' numbers in ``table``, raw hashes, and each sentence's occurrence
    among the notice's sentences of its bigram set (0 for the first, 1 for the next, ...).

    >>> found = sentence_arrays("开工投产开工了。另一句话说完了。开工投产开工了。", Masker().mask("开工投产开工了。另一句话说完了。开工投产开工了。"), SentenceTable())
    >>> [values.tolist() for values in found[:5:4]], found[6].tolist()
    ([[0, 8, 16], [0, 1, 0]], [0, 0, 1])
    """
    spans = np.array(sentence_spans(text), dtype=np.int64).reshape(-1, 2)
    first = np.searchsorted(document.starts, spans[:, 0], side="left")
    last = np.searchsorted(document.starts, spans[:, 1], side="left")
    letters = np.concatenate(([0], np.cumsum(_letters(document.text))))
    keep = letters[last] - letters[first] >= MIN_RUN
    starts, ends, first, last = spans[keep, 0], spans[keep, 1], first[keep], last[keep]
    masked, add = document.text, table.add
    masked_ids = np.array([add(masked[start:end]) for start, end in zip(first.tolist(), last.tolist())],
                          dtype=np.int64)
    raw_hashes = np.array([hash(text[start:end]) for start, end in zip(starts.tolist(), ends.tolist())],
                          dtype=np.int64)
    set_of = table.set_of
    set_ids = np.array([set_of[number] for number in masked_ids.tolist()], dtype=np.int64)
    order = np.argsort(set_ids, kind="stable")
    ordered = set_ids[order]
    group_start = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))) if len(order) else order
    occurrence = np.empty(len(order), dtype=np.int64)
    occurrence[order] = np.arange(len(order)) - np.repeat(group_start, np.diff(np.append(group_start, len(order))))
    return starts, ends, first, last, masked_ids, raw_hashes, occurrence


def notice_sentences(texts: Sequence[str], documents: Sequence[Masked], table: SentenceTable,
                     workers: int = 1) -> list[NoticeSentences]:
    """``[NoticeSentences(text, document, table) for ...]``, the same numbers in ``table``: with
    several workers, each finds the sentences of a slice of the notices with a table of its own,
    and its masked sentences are numbered here in the order it met them (the order one process
    would have met them in). 10,000 notices: 1.2 million sentences, seconds in one process.
    """
    if workers < 2 or len(texts) < 2:
        return [NoticeSentences(text, document, table) for text, document in zip(texts, documents)]
    size = -(-len(texts) // (workers * 2))

    def part_arrays(first: int) -> tuple[list[SentenceArrays], list[str]]:
        local = SentenceTable()
        found = [sentence_arrays(texts[n], documents[n], local) for n in range(first, min(first + size, len(texts)))]
        return found, list(local.ids)  # the masked sentences in the order of their local numbers

    notices = []
    for found, masked_texts in fork_map(part_arrays, range(0, len(texts), size), workers):
        numbers = np.array([table.add(masked) for masked in masked_texts], dtype=np.int64)
        for arrays in found:
            starts, ends, first, last, local_ids, raw_hashes, occurrence = arrays
            notice = len(notices)
            notices.append(NoticeSentences(texts[notice], documents[notice], table,
                                           (starts, ends, first, last, numbers[local_ids], raw_hashes, occurrence)))
    return notices


def sentence_pairs(a: NoticeSentences, b: NoticeSentences) -> list[tuple[int, int, float]]:
    """One-to-one sentence pairs of two notices (row in a, row in b, Dice), taken greedily most
    similar first (ties: lower rows first), Dice of masked bigram sets >= SENTENCE_MATCH_MIN; sorted.

    >>> m = Masker(places=["壶关县", "闻喜县"])
    >>> table = SentenceTable()  # one for the notices compared
    >>> a = NoticeSentences("壶关县加快建设平台。带动群众就业增收。", m.mask("壶关县加快建设平台。带动群众就业增收。"), table)
    >>> b = NoticeSentences("带动全县群众就业增收。闻喜县加快建设平台。", m.mask("带动全县群众就业增收。闻喜县加快建设平台。"), table)
    >>> sentence_pairs(a, b)
    [(0, 1, 1.0), (1, 0, 0.8235294117647058)]
    """
    rows_a, rows_b, dice = sentence_pair_arrays(a, b)
    return list(zip(rows_a.tolist(), rows_b.tolist(), dice.tolist()))


def sentence_pair_arrays(a: NoticeSentences, b: NoticeSentences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``sentence_pairs`` as three arrays (rows in a, rows in b, Dice), sorted by row in a."""
    if a.table is not b.table:
        raise ValueError("sentences of two notices compare only through one SentenceTable")
    columns = SentenceColumns([a, b])
    _, rows_a, rows_b, dice = columns.sentence_pairs(np.array([0]), np.array([1]))
    return rows_a - columns.offsets[0], rows_b - columns.offsets[1], dice


class SentenceColumns:
    """The sentences of the notices compared, laid end to end as columns (row k of notice n is row
    ``offsets[n] + k``), so that the sentences of thousands of pairs of notices are paired and
    classified in a few array operations: per pair, numpy's set-up cost more than its arithmetic
    (10,000 notices: 44,000 pairs of a hundred sentences each).

    ``adopt=True`` makes each notice's arrays views into the columns (no second copy of them).
    """

    FIELDS = ("starts", "ends", "first", "last", "masked_ids", "raw_hashes", "set_ids", "sizes", "pair_keys")

    def __init__(self, notices: Sequence[NoticeSentences], adopt: bool = False) -> None:
        self.notices = notices
        self.table = notices[0].table if notices else SentenceTable()
        counts = np.array([len(notice) for notice in notices], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(counts)))
        for name in self.FIELDS:
            setattr(self, name, np.concatenate([getattr(notice, name) for notice in notices] or [np.zeros(0, np.int64)])
                    .astype(np.int64, copy=False))
        if adopt:
            for number, notice in enumerate(notices):
                for name in self.FIELDS:
                    setattr(notice, name, getattr(self, name)[self.offsets[number]:self.offsets[number + 1]])
        self.owner = np.repeat(np.arange(len(notices)), counts)  # the notice of each row
        # Each pair key (bigram set, occurrence) as a small number: with the pair, one integer.
        self.key_values, self.key_numbers = np.unique(self.pair_keys, return_inverse=True)
        self.key_numbers = self.key_numbers.reshape(-1)

    def masked_text(self, row: int) -> str:
        return self.notices[self.owner[row]].document.text[self.first[row]:self.last[row]]

    def pair_rows(self, notices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(pair number, row) of every sentence of each pair's notice (``notices[pair]``), pair after pair."""
        counts = self.offsets[notices + 1] - self.offsets[notices]
        pair = np.repeat(np.arange(len(notices)), counts)
        return pair, np.repeat(self.offsets[notices] - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())

    def sentence_pairs(self, notices_a: np.ndarray, notices_b: np.ndarray) -> tuple[np.ndarray, ...]:
        """``sentence_pairs`` of every pair of notices (notices_a[p], notices_b[p]) at once: (pair,
        row in a, row in b, Dice) as columns, by pair, then row in a (rows are rows of the columns).

        Pairs with equal bigram sets (Dice 1, most of a notice rewritten from one template) come first
        in the greedy order and pair by set number (the k-th sentence of a set in a with the k-th in
        b); only the sentences left then meet each other.
        """
        pair_a, rows_a = self.pair_rows(np.asarray(notices_a, dtype=np.int64))
        pair_b, rows_b = self.pair_rows(np.asarray(notices_b, dtype=np.int64))
        keys = len(self.key_values) + 1
        _, same_a, same_b = np.intersect1d(pair_a * keys + self.key_numbers[rows_a],
                                           pair_b * keys + self.key_numbers[rows_b],
                                           assume_unique=True, return_indices=True)
        left_a = np.ones(len(rows_a), dtype=bool)
        left_a[same_a] = False
        left_b = np.ones(len(rows_b), dtype=bool)
        left_b[same_b] = False
        product = self._pairs_by_product(pair_a[left_a], rows_a[left_a], pair_b[left_b], rows_b[left_b])
        pair = np.concatenate([pair_a[same_a], product[0]])
        found_a = np.concatenate([rows_a[same_a], product[1]])
        found_b = np.concatenate([rows_b[same_b], product[2]])
        dice = np.concatenate([np.ones(len(same_a)), product[3]])
        order = np.argsort(pair * (len(self.starts) + 1) + found_a)  # one pair per row: no ties
        return pair[order], found_a[order], found_b[order], dice[order]

    def reworded_passages(self, texts: Sequence[str], pair: np.ndarray, rows_a: np.ndarray, rows_b: np.ndarray,
                          similarity: np.ndarray, masker: Masker, memo: dict) -> tuple[np.ndarray, ...]:
        """The passages of sentence pairs whose masked texts differ (rows in a and b, each of a pair
        of notices; ``texts`` are the notices' texts), exactly as runs_passages makes them, as
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
        for row_a, row_b, id_a, id_b in zip(rows_a.tolist(), rows_b.tolist(), self.masked_ids[rows_a].tolist(),
                                            self.masked_ids[rows_b].tolist()):
            known = memo.get((id_a, id_b))
            if known is None:
                if len(memo) >= MATCH_MEMO_MAX:
                    memo.clear()
                masked_a, masked_b = self.masked_text(row_a), self.masked_text(row_b)
                runs = masked_runs(masked_a, masked_b)
                known = memo[(id_a, id_b)] = (runs, masked_segments(masked_a, masked_b, runs))
            parts.append(known)
        segments = np.concatenate([segment for _, segment in parts] or [np.zeros((0, 5), dtype=np.int64)])
        row = np.repeat(np.arange(len(parts)), [len(segment) for _, segment in parts])
        notice_a, notice_b = self.owner[rows_a][row], self.owner[rows_b][row]
        start_a, end_a = self._original_offsets(notice_a, self.first[rows_a][row], segments[:, 0], segments[:, 1])
        start_b, end_b = self._original_offsets(notice_b, self.first[rows_b][row], segments[:, 2], segments[:, 3])
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
            notice_a, notice_b = int(self.owner[row_a]), int(self.owner[row_b])
            redone += [(notice_a, *passage[:2], notice_b, *passage[2:4], KINDS.index(passage[4]),
                        float(similarity[number]))
                       for passage in runs_passages(texts[notice_a], texts[notice_b], self._bounds(row_a),
                                                    self._bounds(row_b), parts[number][0], masker)]
        return tuple(np.concatenate([values[keep], np.array([passage[field] for passage in redone], dtype=values.dtype)])
                     for field, values in enumerate(found))

    def _bounds(self, row: int) -> list[int]:
        """Masked.bounds of a sentence: where its masked characters start in its text, then its end."""
        return self.notices[self.owner[row]].document.bounds(int(self.first[row]), int(self.last[row]))

    def _original_offsets(self, notices: np.ndarray, firsts: np.ndarray, *positions: np.ndarray) -> list[np.ndarray]:
        """Per array of masked positions (each counted from ``firsts``, a sentence's first masked
        character), where they start in the original text of their notice (Masked.original_offsets),
        one notice at a time."""
        found = [np.zeros(len(notices), dtype=np.int64) for _ in positions]
        order = np.argsort(notices, kind="stable")
        ordered = notices[order]
        bounds = [0, *(np.flatnonzero(ordered[1:] != ordered[:-1]) + 1).tolist(), len(ordered)]
        for start, end in zip(bounds[:-1], bounds[1:]):
            if start == end:
                continue
            chosen = order[start:end]
            document = self.notices[int(ordered[start])].document
            base = firsts[chosen]
            together = document.original_offsets(np.concatenate([base + values[chosen] for values in positions]))
            for number, values in enumerate(found):
                values[chosen] = together[number * len(chosen):(number + 1) * len(chosen)]
        return found

    def _pairs_by_product(self, pair_a: np.ndarray, rows_a: np.ndarray, pair_b: np.ndarray,
                          rows_b: np.ndarray) -> tuple[np.ndarray, ...]:
        """Greedy pairs among the given rows (each with its pair number, by pair) by the Dice of their
        bigram sets: (pair, row in a, row in b, Dice), each pair's rows meeting only each other."""
        pairs = int(max(pair_a.max(initial=-1), pair_b.max(initial=-1))) + 1
        count_a, count_b = np.bincount(pair_a, minlength=pairs), np.bincount(pair_b, minlength=pairs)
        start_b = np.cumsum(count_b) - count_b
        # Every row of a against every row of b of its pair: row x of a meets count_b[pair] rows.
        meets = count_b[pair_a]
        left = np.repeat(np.arange(len(rows_a)), meets)
        right = np.repeat(start_b[pair_a] - (np.cumsum(meets) - meets), meets) + np.arange(meets.sum())
        counts = self.table.shared_counts()
        if counts is not None:  # the corpus has few distinct sentences: every count is known
            shared = counts[self.set_ids[rows_a[left]], self.set_ids[rows_b[right]]].astype(np.float64)
        else:
            shared = np.concatenate([self._shared_bigrams(rows_a[pair_a == number], rows_b[pair_b == number])
                                     for number in np.flatnonzero(count_a * count_b).tolist()] or [np.zeros(0)])
        dice = 2 * shared / (self.sizes[rows_a[left]] + self.sizes[rows_b[right]])
        kept = np.flatnonzero((dice >= SENTENCE_MATCH_MIN) & (shared > 0))
        pair, found_a, found_b, dice = pair_a[left[kept]], rows_a[left[kept]], rows_b[right[kept]], dice[kept]
        # Most similar first, lower rows first on ties, one to one, pair by pair.
        order = np.lexsort((found_b, found_a, -dice, pair))
        chosen, current, used_a, used_b = [], -1, set(), set()
        for index, number, row_a, row_b in zip(order.tolist(), pair[order].tolist(), found_a[order].tolist(),
                                               found_b[order].tolist()):
            if number != current:
                current, used_a, used_b = number, set(), set()
            if row_a not in used_a and row_b not in used_b:
                used_a.add(row_a)
                used_b.add(row_b)
                chosen.append(index)
        return pair[chosen], found_a[chosen], found_b[chosen], dice[chosen]

    def _shared_bigrams(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """The bigrams each row of a shares with each row of b (row of a after row of a), counted in a
        product of the two sets' indicator rows (a corpus of too many distinct sentences to count
        every two sets once)."""
        owner_a, keys_a = self._bigrams(rows_a)
        owner_b, keys_b = self._bigrams(rows_b)
        vocabulary, columns = np.unique(np.concatenate([keys_a, keys_b]), return_inverse=True)
        matrix_a = np.zeros((len(rows_a), len(vocabulary)), dtype=np.float32)
        matrix_b = np.zeros((len(rows_b), len(vocabulary)), dtype=np.float32)
        matrix_a[owner_a, columns[:len(keys_a)]] = 1
        matrix_b[owner_b, columns[len(keys_a):]] = 1
        return (matrix_a @ matrix_b.T).astype(np.float64).ravel()  # counts: exact in float32

    def _bigrams(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, bigram) of the distinct masked character bigrams of the given sentences, by row."""
        keys = b"".join([self.table.set_keys[number] for number in self.set_ids[rows].tolist()])
        return np.repeat(np.arange(len(rows)), self.sizes[rows]), np.frombuffer(keys, dtype=np.int64)


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


def reworded_passages(text_a: str, text_b: str, a: NoticeSentences, b: NoticeSentences, rows_a: np.ndarray,
                      rows_b: np.ndarray, similarity: np.ndarray, masker: Masker,
                      memo: dict) -> tuple[np.ndarray, ...]:
    """The passages of the given sentence pairs of two notices (rows in a and b whose masked texts
    differ), exactly as runs_passages makes them, as columns: start_a, end_a, start_b, end_b, kind
    (index into KINDS) and similarity (of its sentence pair, ``similarity[row]``). ``memo``: masked
    sentence pairs met before, by their numbers, with their runs and segments (see
    SentenceColumns.reworded_passages, which does this for many pairs of notices at once)."""
    columns = SentenceColumns([a, b])
    found = columns.reworded_passages([text_a, text_b], np.zeros(len(rows_a), dtype=np.int64),
                                      np.asarray(rows_a) + columns.offsets[0], np.asarray(rows_b) + columns.offsets[1],
                                      np.asarray(similarity), masker, memo)
    return found[1:3] + found[4:]


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
        found.add_columns(*columns.reworded_passages(texts, pair[slow], rows_a[slow], rows_b[slow], similarity[slow],
                                                     masker, blocks))
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

        >>> part = {name: np.array(values) for name, values in zip(["a", "start_a", "end_a", "b", "start_b", "end_b",
        ...     "kind", "similarity"], [[0, 0, 0], [9, 2, 2], [12, 5, 4], [1, 1, 1], [0, 7, 3], [3, 10, 5], [0, 0, 1], [1.0] * 3])}
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


def shares(text: str, spans: Iterable[tuple[int, int, str]]) -> dict[str, float | int]:
    """Share of a text's non-space characters in each class (copied beats localised beats rewritten).

    >>> shares("abcdefghij", [(0, 5, "rewritten"), (0, 2, "copied")])
    {'chars': 10, 'copied': 0.2, 'localised': 0.0, 'rewritten': 0.3, 'new': 0.5}
    """
    spans = list(spans)
    return span_shares(text, np.array([s[0] for s in spans], dtype=np.int64),
                       np.array([s[1] for s in spans], dtype=np.int64),
                       np.array([KINDS.index(s[2]) for s in spans], dtype=np.int64))


def span_shares(text: str, starts: np.ndarray, ends: np.ndarray, kinds: np.ndarray) -> dict[str, float | int]:
    """``shares`` of spans given as arrays (``kinds`` as indices into KINDS)."""
    return text_shares([text], np.zeros(len(starts), dtype=np.int64), starts, ends, kinds)[0]


def text_shares(texts: Sequence[str], owners: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                kinds: np.ndarray) -> list[dict[str, float | int]]:
    """``span_shares`` of several texts at once (span k lies in ``texts[owners[k]]``): the texts are
    laid end to end and each character's best class is found for all of them in one pass (per
    text, numpy's per-call cost was most of the time: 10,000 notices, 4 s).

    >>> [share["copied"] for share in text_shares(["abcd", "", "xy"], np.array([0, 2]), np.array([0, 0]),
    ...                                           np.array([2, 1]), np.array([0, 0]))]
    [0.5, 0.0, 0.5]
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
