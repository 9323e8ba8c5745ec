"""Text tools the comparison shares: sentences, masking of local words, character n-gram TF-IDF.

Chinese is unsegmented, so every similarity here works on characters: n-grams for
vectors, character runs for alignment. Masking replaces what a county changes when it
localises a template (place names, unit names, numbers, 全省/县级) with one placeholder
character per kind, and keeps a map back to the original offsets.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick_rs
import numpy as np
from scipy import sparse

DATA_DIR = Path(__file__).resolve().parent / "data"

# One private-use character per kind of local word: a placeholder is never a real character
# of a notice, and one character keeps masked offsets simple.
PLACEHOLDER = {"place": "\ue000", "unit": "\ue001", "number": "\ue002", "level": "\ue003"}

# Arabic numbers with their decimal part, %, and 万/亿 multipliers (10亿, 5000万, 50%, 1-2);
# Chinese numerals only before a measure word or as a list number (三、 （二） 一是), so 统一
# and 一镇一策 stay text.
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[-—~～至]\d+(?:\.\d+)?)?[万亿]*%?"
                    r"|[一二三四五六七八九十两百千万亿]+(?=[个家项条人年批名所万亿元])"
                    r"|[一二三四五六七八九十]+(?=[、）)]|是)")
# Characters a NUMBER can start with besides decimal digits (str.isdecimal is what \d matches).
NUMERALS = frozenset("一二三四五六七八九十两百千万亿")
NUMBER_START = re.compile(r"[\d一二三四五六七八九十两百千万亿]")

# A sentence ends at 。！？； (kept) or a line break (not); headings sit on their own line after
# normalise. One match a sentence: up to its end mark, or up to a line break with some text.
SENTENCE = re.compile(r"[^。！？；\n]*[。！？；]|[^。！？；\n]*[^\s。！？；][^。！？；\n]*")

# Place names shorter than this are not masked on their own: 城区 -> 城 would hit ordinary words.
MIN_PLACE_CHARS = 2
# Masked passages remembered by Masker.masked_text before the memo starts again (a few tens of MB).
MASK_MEMO_MAX = 200_000
# Texts per worker process below which masking stays in one process.
PARALLEL_MIN_TEXTS = 1000
# Documents whose n-grams are counted at once in ``tfidf`` (memory, not speed).
TFIDF_CHUNK = 20_000
PLACE_SUFFIXES = ("自治县", "自治州", "自治旗", "特别行政区", "地区", "新区", "省", "市", "县", "区", "旗", "盟", "州")


def read_terms(name: str) -> list[tuple[str, str]]:
    """(term, kind) rows of a CSV under pipeline/compare/data, skipping # comments."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.lstrip().startswith("#"))
        return [(row[0].strip(), row[1].strip()) for row in csv.reader(lines)][1:]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """[start, end) of each sentence in text[start:end], ending punctuation included, blank ones dropped.

    >>> t = "一、总体要求\\n加快建设平台。带动就业；"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['一、总体要求', '加快建设平台。', '带动就业；']
    """
    return [match.span() for match in SENTENCE.finditer(text, start, len(text) if end is None else end)]


@dataclass(frozen=True, slots=True, eq=False)
class Masked:
    """A masked string and, per masked character, the original [start, end) it covers.

    Masked characters cover the original text without gaps, so one character ends where the next
    starts: the offsets are the starts (one integer array, 32-bit where they fit) and ``stop``, the
    end of the last one. Ten thousand masked notices then take a few hundred MB, not gigabytes.
    """
    text: str
    starts: np.ndarray
    stop: int

    @property
    def ends(self) -> np.ndarray:
        if not len(self.starts):
            return self.starts.copy()
        return np.append(self.starts[1:], self.stop).astype(self.starts.dtype)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.starts.tolist(), self.ends.tolist()))

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of masked [start, end) (end > start)."""
        return int(self.starts[start]), int(self.starts[end]) if end < len(self.starts) else self.stop

    def bounds(self, first: int, last: int) -> list[int]:
        """Where masked characters first..last-1 start in the original, then where the last ends
        (``original(x, y) == (bounds[x - first], bounds[y - first])``).

        >>> Masker(places=["壶关县"]).mask("壶关县产值").bounds(0, 3)
        [0, 3, 4, 5]
        """
        return self.original_offsets(np.arange(first, last + 1)).tolist()

    def original_offsets(self, positions: np.ndarray) -> np.ndarray:
        """Where the masked characters at ``positions`` start in the original (a position equal
        to the masked length: where the last character ends), as 64-bit integers.

        >>> Masker(places=["壶关县"]).mask("壶关县产值").original_offsets(np.array([0, 1, 3])).tolist()
        [0, 3, 5]
        """
        inside = positions < len(self.starts)
        found = self.starts[np.where(inside, positions, 0)].astype(np.int64) if len(self.starts) \
            else np.zeros(len(positions), dtype=np.int64)
        found[~inside] = self.stop
        return found

    def slice(self, start: int, end: int) -> Masked:
        """The part of a masked document whose characters start in original [start, end).

        Sentence and heading boundaries (。；\n, （) never fall inside a masked word, so a slice
        equals masking that stretch of text on its own.

        >>> doc = Masker(places=["壶关县"]).mask("壶关县产值10亿元。全县推进")
        >>> doc.slice(0, 10).text == Masker(places=["壶关县"]).mask("壶关县产值10亿元。").text
        True
        """
        first, last = np.searchsorted(self.starts, (start, end), side="left").tolist()
        stop = int(self.starts[last]) if last < len(self.starts) else self.stop
        return Masked(self.text[first:last], self.starts[first:last], stop if last > first else int(start))


def _offsets(values: np.ndarray, stop: int) -> np.ndarray:
    """Offsets in 32 bits where they fit."""
    return values.astype(np.int32) if stop < 2**31 else values.astype(np.int64)


class Masker:
    """Replaces place names, unit names, numbers and level words with placeholders.

    >>> m = Masker(places=["壶关县", "壶关", "山西省"], units=["县工信局"])
    >>> m.mask("壶关县工信局").text == m.mask("山西省工信局").text
    True
    >>> m.mask("产值达到10亿元").text == m.mask("产值达到5亿元").text
    True
    >>> m.mask("全县").text == m.mask("全省").text, m.mask("县工信局").text == m.mask("县财政局").text
    (True, False)
    >>> m.mask("由县工信局").spans[-1]  # the word ends where the text ends, not past it
    (1, 5)
    """

    def __init__(self, places: Iterable[str] = (), units: Iterable[str] = (),
                 terms: Iterable[tuple[str, str]] | None = None) -> None:
        words: dict[str, str] = {}
        for term, kind in (read_terms("local_terms.csv") if terms is None else terms):
            words[term] = "place" if kind == "place" else "level"
        for name in places:
            if len(name) >= MIN_PLACE_CHARS:
                words.setdefault(name, "place")
        for name in units:
            if len(name) >= 2:
                words[name] = "unit"
        self.kinds = words
        # Every word in one Aho-Corasick automaton (Rust's aho-corasick): one pass over a text finds
        # every word in it, where a dict look-up per candidate length and position cost a millisecond
        # a notice in Python.
        self.word_kinds = list(words.values())
        self.automaton = ahocorasick_rs.AhoCorasick(list(words))
        self._masked_texts: dict[str, str] = {}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["automaton"]  # cannot be pickled: built again from the words
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.automaton = ahocorasick_rs.AhoCorasick(list(self.kinds))

    def masked_text(self, text: str) -> str:
        """``mask(text).text``, remembered: passages of a corpus rewritten from one template repeat
        across thousands of notice pairs (the memo is emptied at MASK_MEMO_MAX texts)."""
        found = self._masked_texts.get(text)
        if found is None:
            if len(self._masked_texts) >= MASK_MEMO_MAX:
                self._masked_texts.clear()
            found = self._masked_texts[text] = self._joined(text, self._tokens(text))  # no offsets needed
        return found

    def mask(self, text: str, offset: int = 0) -> Masked:
        """Mask ``text``; spans are offsets into the string ``text`` was sliced from (``offset``).

        Left to right, at each position: a NUMBER, else the longest word, else the character.
        Only positions where a number or a word starts are looked at (a few hundred of a notice's
        thousands of characters: the automaton finds the words, a regex the numbers' first
        characters); the rest are kept as they are.
        """
        length_of_text = len(text)
        tokens = self._tokens(text)
        if not tokens:
            starts_array = np.arange(offset, offset + length_of_text, dtype=np.int64)
            return Masked(text, _offsets(starts_array, offset + length_of_text), offset + length_of_text)
        keep = np.ones(length_of_text, dtype=bool)
        for start, end, _ in tokens:
            keep[start + 1:end] = False
        starts_array = np.flatnonzero(keep) + offset
        return Masked(self._joined(text, tokens), _offsets(starts_array, offset + length_of_text),
                      offset + length_of_text)

    @staticmethod
    def _joined(text: str, tokens: list[tuple[int, int, str]]) -> str:
        pieces, previous = [], 0
        for start, end, kind in tokens:
            pieces += [text[previous:start], PLACEHOLDER[kind]]
            previous = end
        pieces.append(text[previous:])
        return "".join(pieces)

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of each number and word masking replaces, left to right."""
        tokens: list[tuple[int, int, str]] = []
        if not text:
            return tokens
        number_starts = {match.start() for match in NUMBER_START.finditer(text)}
        longest: dict[int, tuple[int, str]] = {}  # per start, the end and kind of its longest word
        kinds = self.word_kinds
        for number, start, end in self.automaton.find_matches_as_indexes(text, overlapping=True):
            found = longest.get(start)
            if found is None or found[0] < end:
                longest[start] = (end, kinds[number])
        cursor = 0
        for index in sorted(number_starts.union(longest)):
            if index < cursor:
                continue
            if index in number_starts:
                found_number = NUMBER.match(text, index)
                if found_number:
                    tokens.append((index, found_number.end(), "number"))
                    cursor = found_number.end()
                    continue
            word = longest.get(index)
            if word is not None:
                tokens.append((index, *word))
                cursor = word[0]
        return tokens


def mask_all(masker: Masker, texts: Sequence[str]) -> list[Masked]:
    """``[masker.mask(text) for text in texts]``, shared among forked workers for a large corpus."""
    from pipeline.compare.parallel import compare_workers, fork_map

    workers = min(compare_workers(), len(texts) // PARALLEL_MIN_TEXTS)
    if workers < 2:
        return [masker.mask(text) for text in texts]
    size = -(-len(texts) // (workers * 4))
    parts = [texts[first:first + size] for first in range(0, len(texts), size)]
    return [masked for part in fork_map(lambda part: _packed([masker.mask(text) for text in part]), parts, workers)
            for masked in _unpacked(part)]


def _packed(documents: list[Masked]) -> tuple | list[Masked]:
    """Masked documents as a few large arrays, which fork_map returns through memory files: their
    texts' code points end to end, their starts end to end, their lengths and stops (10,000 notices:
    400 MB of masked texts and as much of offsets, pickled document by document before). As they
    are when some offsets are 64-bit.

    >>> [(d.text, d.starts.tolist(), d.stop) for d in _unpacked(_packed([Masker().mask("第10项"), Masker().mask("")]))]
    [('第\\ue002项', [0, 1, 3], 4), ('', [], 0)]
    """
    if any(document.starts.dtype != np.int32 for document in documents):
        return documents
    points = np.frombuffer("".join(document.text for document in documents).encode("utf-32-le", "surrogatepass"),
                           dtype=np.uint32)
    starts = np.concatenate([document.starts for document in documents] or [np.zeros(0, dtype=np.int32)])
    return (points, starts, np.array([len(document.text) for document in documents], dtype=np.int64),
            np.array([document.stop for document in documents], dtype=np.int64))


def _unpacked(packed: tuple | list[Masked]) -> list[Masked]:
    """The documents of ``_packed``: each text decoded from its code points, its starts a view."""
    if isinstance(packed, list):
        return packed
    points, starts, lengths, stops = packed
    bounds = np.concatenate(([0], np.cumsum(lengths))).tolist()
    data = points.view(np.uint8)
    return [Masked(str(data[4 * first:4 * last], "utf-32-le", "surrogatepass"), starts[first:last], stop)
            for first, last, stop in zip(bounds[:-1], bounds[1:], stops.tolist())]


def place_names(regions: Iterable, wanted: set[str] | None = None) -> set[str]:
    """Full names of every province, city and county, and the short forms (壶关县 -> 壶关) of ``wanted``.

    Short forms only for the notices' own regions: a short form of every county in China
    would mask ordinary words (和平, 城区).
    """
    names: set[str] = set()
    for row in regions:
        for name in (row.province, row.city, row.county):
            if name:
                names.add(name)
    for name in wanted or ():
        names.add(name)
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= MIN_PLACE_CHARS:
                names.add(name[: -len(suffix)])
                break
    return names


@cache
def default_regions() -> tuple:
    from extractors.knowledge import default_knowledge  # the packaged regions table
    return default_knowledge().regions


def masker_for(records: Sequence[dict]) -> Masker:
    """A masker that knows every place of China, the short names of the records' regions,
    and every unit the records name."""
    wanted = {name for record in records for name in (record.get("region") or {}).values() if name}
    units = {unit["name"] for record in records for action in record.get("actions", [])
             for unit in action.get("lead", []) + action.get("cooperating", [])}
    from extractors.knowledge import default_knowledge
    aliases = default_knowledge().units.aliases
    units |= {prefix + alias for alias in aliases for prefix in ("", "县", "市", "省", "区")}
    return Masker(places=place_names(default_regions(), wanted), units=units)


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> list[str]:
    """Character n-grams of every size in ``sizes`` (whitespace dropped first).

    >>> char_ngrams("专业镇", (1, 2))
    ['专', '业', '镇', '专业', '业镇']
    """
    text = "".join(text.split())
    return [text[i:i + n] for n in sizes for i in range(len(text) - n + 1)]


def tfidf(documents: Sequence[str], sizes: Sequence[int] = (2, 3),
          weights: Sequence[int] | None = None) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf) of character n-grams (n <= 3), one
    per document (``tfidf_rows`` gives each distinct document's row once).

    >>> m = tfidf(["专业镇", "专业镇", "产业园"])
    >>> m.shape[0], (m[0] != m[1]).nnz, float(m[0].multiply(m[2]).sum())
    (3, 0, 0.0)
    >>> (tfidf(["专业镇", "产业园"], weights=[2, 1]) != m[1:]).nnz
    0
    """
    return repeat_rows(*tfidf_rows(documents, sizes, weights))


def tfidf_rows(documents: Sequence[str], sizes: Sequence[int] = (2, 3),
               weights: Sequence[int] | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The L2-normalised TF-IDF rows (sublinear tf, smoothed idf) of character n-grams (n <= 3) of
    each distinct document, and each document's row.

    Vocabulary columns are sorted, so the matrix does not depend on dictionary order.
    An empty document is an all-zero row. ``weights``: how many documents each one stands for
    (in the document frequencies and the corpus size; default 1 each).

    Each distinct document is counted once and its row repeated: a corpus rewritten from one
    template repeats most headings and sentences (10,000 notices: 200,000 action texts, 7,400
    distinct), and a document's row depends only on its text and the frequencies.

    >>> matrix, rows = tfidf_rows(["专业镇", "产业园", "专业镇"])
    >>> matrix.shape[0], rows.tolist()
    (2, [0, 1, 0])
    """
    from pipeline.compare.parallel import fork_map

    weights = np.ones(len(documents), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    documents, inverse = first_seen(documents)
    multiplicity = np.bincount(inverse, weights=weights, minlength=len(documents))
    # N-grams as integers that sort as the strings do (each character + 1 in 21 bits, 0 past the
    # end: 专业 < 专业镇), counted with arrays a chunk of documents at a time.
    chunks = [(first, documents[first:first + TFIDF_CHUNK]) for first in range(0, len(documents), TFIDF_CHUNK)]
    found = [part for parts in fork_map(lambda chunk: _chunk_gram_counts(*chunk, sizes), chunks) for part in parts]
    rows, keys, counts = [part[0] for part in found], [part[1] for part in found], [part[2] for part in found]
    rows, keys, counts = (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
                          for parts in (rows, keys, counts))
    vocabulary = distinct(keys)
    columns = np.searchsorted(vocabulary, keys).astype(np.int32 if len(vocabulary) < 2**31 else np.int64)
    del keys  # the largest array here: n-gram keys of every entry
    # Sublinear tf from a table: the counts are small integers, and np.log of 40 million floats
    # cost more than the rest of this function after counting.
    values = (1.0 + np.log(np.arange(1, int(counts.max(initial=0)) + 1, dtype=np.float64)))[counts - 1]
    del counts
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=len(documents)))))
    # Entries come sorted by row, then column: the same column order on every run, so sums add up
    # in the same order.
    matrix = sparse.csr_matrix((values, columns, indptr), shape=(len(documents), len(vocabulary)), dtype=np.float64)
    matrix.has_sorted_indices = True  # the keys came sorted within each document
    # Document frequencies count every document a distinct one stands for (whole numbers, exact as floats).
    document_frequency = np.bincount(matrix.indices, weights=multiplicity[rows], minlength=len(vocabulary))
    idf = np.log((1 + multiplicity.sum()) / (1 + document_frequency)) + 1.0
    matrix.data *= idf[matrix.indices]  # the product with diag(idf), in place
    return normalise_rows(matrix), inverse


def first_seen(values: Iterable[Hashable]) -> tuple[list, np.ndarray]:
    """The distinct values in the order they first come, and each value's number among them
    (what lets repeated texts be counted once and spread back).

    >>> distinct_values, numbers = first_seen(["专业镇", "产业园", "专业镇"])
    >>> distinct_values, numbers.tolist()
    (['专业镇', '产业园'], [0, 1, 0])
    """
    number_of: dict = {}
    numbers = np.fromiter((number_of.setdefault(value, len(number_of)) for value in values), dtype=np.int64)
    return list(number_of), numbers


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The numbers start, start + 1, …, start + count - 1 of each (start, count), one range after the
    other: the items of several notices, or the rows of several notices' sentences, end to end.

    >>> ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    starts, counts = np.asarray(starts, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())


def repeat_rows(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """``matrix[rows]`` with each row's stored order kept (and without scipy's checks of indices
    that come from the matrix itself).

    >>> repeat_rows(sparse.csr_matrix([[0.0, 2.0], [1.0, 0.0]]), np.array([1, 1, 0])).toarray().tolist()
    [[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]]
    """
    if len(rows) == matrix.shape[0] and np.array_equal(rows, np.arange(len(rows))):
        return matrix
    repeated = sparse.csr_matrix(row_arrays(matrix, rows), shape=(len(rows), matrix.shape[1]))
    repeated.has_sorted_indices = matrix.has_sorted_indices
    return repeated


def row_arrays(matrix: sparse.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data, indices, indptr) of ``repeat_rows(matrix, rows)``, without building the matrix
    (scipy's constructor checks cost more than the copy for a few hundred rows).

    >>> data, indices, indptr = row_arrays(sparse.csr_matrix([[0.0, 2.0], [1.0, 3.0]]), np.array([1, 0, 1]))
    >>> data.tolist(), indices.tolist(), indptr.tolist()
    ([1.0, 3.0, 2.0, 1.0, 3.0], [0, 1, 1, 0, 1], [0, 2, 3, 5])
    """
    starts, ends = matrix.indptr[rows].tolist(), matrix.indptr[np.asarray(rows) + 1].tolist()
    indptr = np.concatenate(([0], np.cumsum(np.array(ends, dtype=np.int64) - starts))).astype(matrix.indptr.dtype)
    if not starts:
        return matrix.data[:0].copy(), matrix.indices[:0].copy(), indptr
    # Each row's run copied whole (a few hundred rows of hundreds of entries each: faster than an
    # index per entry).
    data, indices = matrix.data, matrix.indices
    return (np.concatenate([data[start:end] for start, end in zip(starts, ends)]),
            np.concatenate([indices[start:end] for start, end in zip(starts, ends)]), indptr)


def _chunk_gram_counts(first: int, chunk: Sequence[str], sizes: Sequence[int]) -> list[tuple]:
    """``_gram_counts`` of a chunk of documents starting at row ``first`` (halved until it fits)."""
    try:
        rows, keys, counts = _gram_counts(chunk, sizes)
    except TooManyCharacters:
        if len(chunk) == 1:
            raise
        half = len(chunk) // 2
        return _chunk_gram_counts(first, chunk[:half], sizes) + _chunk_gram_counts(first + half, chunk[half:], sizes)
    return [(rows + first, keys, counts)]


class TooManyCharacters(ValueError):
    """A chunk of documents whose characters do not fit 14 bits each (then it is split)."""


def _gram_counts(documents: Sequence[str], sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document, n-gram key, count) of every distinct n-gram of each document, sorted."""
    if max(sizes, default=0) > 3:
        raise ValueError(f"n-grams up to 3 characters, not {max(sizes)}")
    cleaned = ["".join(doc.split()) for doc in documents]
    lengths = np.array([len(doc) for doc in cleaned], dtype=np.int64)
    points = np.frombuffer("".join(cleaned).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    # Characters renumbered 1, 2, … in code point order (0: past the end), so that a document number
    # and an n-gram fit one integer and one sort counts them.
    present = np.bincount(points, minlength=1) > 0
    rank = np.cumsum(present)
    point_of_rank = np.concatenate(([0], np.flatnonzero(present) + 1))  # rank -> code point + 1
    if len(point_of_rank) >= 1 << 14 or len(cleaned) >= 1 << 21:
        raise TooManyCharacters(f"{len(point_of_rank)} distinct characters in {len(cleaned)} documents")
    ranked = np.concatenate([rank[points], np.zeros(2, dtype=np.int64)]) if len(points) else np.zeros(2, np.int64)
    owner = np.repeat(np.arange(len(cleaned)), lengths)
    room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(points))  # characters left in the document
    found = []
    for size in sizes:
        at = np.flatnonzero(room >= size)
        key = (owner[at] << 42) | (ranked[at] << 28)
        if size > 1:
            key |= ranked[at + 1] << 14
        if size > 2:
            key |= ranked[at + 2]
        found.append(key)
    combined = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], combined[1:] != combined[:-1]))) if len(combined) else combined
    counts = np.diff(np.append(starts, len(combined)))
    distinct = combined[starts]
    # Back to code points (each + 1, 21 bits): keys that sort as the strings across chunks.
    keys = ((point_of_rank[(distinct >> 28) & 0x3FFF] << 42) | (point_of_rank[(distinct >> 14) & 0x3FFF] << 21)
            | point_of_rank[distinct & 0x3FFF])
    return (distinct >> 42).astype(np.int32), keys, counts.astype(np.int32)


def mix64(values: np.ndarray) -> np.ndarray:
    """A 64-bit mix of each value (splitmix64's finaliser): a fixed shuffle of numbers, and a hash
    whose sum over a set hashes the set."""
    values = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by sorting (numpy's hash-based unique is several times slower here).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def normalise_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    """Each row divided by its L2 norm (an all-zero row stays zero); the stored order is kept.

    Scaled on the stored values, not by a product with a diagonal matrix: scipy's product copies
    and reorders a matrix of 200,000 action texts (seconds at 10,000 notices).

    >>> normalise_rows(sparse.csr_matrix([[0.0, 2.0], [0.0, 0.0]])).toarray().tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    matrix = sparse.csr_matrix(matrix)
    squares = sparse.csr_matrix((matrix.data * matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape)
    norms = np.sqrt(squares @ np.ones(matrix.shape[1]))  # each row summed in stored order
    norms[norms == 0] = 1.0
    factors = np.repeat(1.0 / norms, np.diff(matrix.indptr))
    scaled = sparse.csr_matrix((matrix.data * factors, matrix.indices.copy(), matrix.indptr.copy()),
                               shape=matrix.shape)
    scaled.has_sorted_indices = matrix.has_sorted_indices
    return scaled


def shingles(text: str, size: int = 3) -> list[bytes]:
    """Distinct character ``size``-grams as bytes, for MinHash (the text itself when shorter)."""
    text = "".join(text.split())
    grams = {text[i:i + size] for i in range(len(text) - size + 1)} or {text}
    return [gram.encode("utf-8") for gram in sorted(grams)]
