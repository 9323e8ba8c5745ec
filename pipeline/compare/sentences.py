"""Sentences of the notices compared, and which sentence of one notice is a version of which of another.

Each sentence is masked (text.py) and numbered once per distinct masked text in a SentenceTable,
with the number of its set of character bigrams. Two notices' sentences are paired one to one,
most similar first, when the Dice coefficient of their bigram sets reaches SENTENCE_MATCH_MIN.
SentenceColumns lays every notice's sentences end to end, so that a worker pairs the sentences of
all its pairs of notices at once; reuse.py then finds the passages inside each sentence pair.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy import sparse

from pipeline.compare.parallel import fork_map
from pipeline.compare.text import Masked, Masker, ranges, sentence_spans

# Two sentences are versions of one another from this Dice of masked character bigrams up.
SENTENCE_MATCH_MIN = 0.5
# A common run shorter than this (after masking) is coincidence, not reuse: 4 characters is
# one Chinese phrase (专业镇的), 6 is the shortest run that is copying rather than vocabulary.
# A sentence with fewer letters than this besides its placeholders is left out.
MIN_RUN = 6
# Up to this many distinct bigram sets (10,000 notices rewritten from one template: 2,300), the
# bigrams every two sets share are counted once for the whole comparison (a 4-byte count a pair of
# sets: 64 MB at most) instead of in a product per pair of notices.
SHARED_COUNTS_MAX_SETS = 4096


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
        return np.repeat(np.arange(len(notices)), counts), ranges(self.offsets[notices], counts)

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

    def bounds(self, row: int) -> list[int]:
        """Masked.bounds of a sentence: where its masked characters start in its text, then its end."""
        return self.notices[self.owner[row]].document.bounds(int(self.first[row]), int(self.last[row]))

    def original_offsets(self, notices: np.ndarray, firsts: np.ndarray, *positions: np.ndarray) -> list[np.ndarray]:
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
        right = ranges(start_b[pair_a], meets)
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
