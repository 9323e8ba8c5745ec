"""The rows of ``reuse.csv`` as UTF-8 bytes, a chunk at a time, laid out by Apache Arrow.

10,000 notices reuse 6 million passages: 2.4 GB of CSV, most of it the passages' texts. Formatted
row by row in Python (an f-string, two slices and an encoding a row) that was the largest single
cost of the comparison. Here a chunk of rows is one Arrow array of string *views*: per row, its
leading cells (joined by Arrow from the columns: sources, offsets, kind, similarity), its two text
cells (views straight into the notices' texts, encoded once), and the commas and line end between
them; casting the views to one string array copies every piece into place in C++, and that array's
bytes are the chunk of the file.

The bytes are what ``write_csv`` writes for ``reuse_table`` (tests/test_compare.py): a text cell
that ``csv_text_cell`` would change (a comma, a quote or a line break inside, a formula character
first: a few rows in a hundred) is made by ``csv_text_cell`` itself.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.compare.reuse import KINDS, Passages
from pipeline.write import FORMULA_START, QUOTED_CHARACTERS, csv_text_cell

# Bytes of notice text one Arrow buffer holds: a string view addresses its buffer with 32 bits.
TEXT_BUFFER_MAX = 2**31 - 1
# A string view of up to this many bytes holds them itself; a longer one holds its first 4.
INLINE_BYTES = 12
# Zero bytes after each buffer of bytes views point into: the words of a piece are read whole.
PADDING = INLINE_BYTES + 4
# The pieces of a row, in order: leading cells (with the comma after them), text_a, comma, text_b, line end.
PIECES = 5


class ReuseCsvRows:
    """The rows of reuse.csv for ``passages`` (notice indices into ``records``, then the template),
    as bytes: ``rows(first, count)`` for each chunk (the header is ``csv_header(REUSE_HEADER)``).

    >>> from pipeline.compare.reuse import Passages
    >>> records = [{"source": "a.txt", "text": "壶关县加快建设平台。"}, {"source": "b.txt", "text": "闻喜县加快建设平台。"}]
    >>> passages = Passages({"a": np.array([0]), "start_a": np.array([3]), "end_a": np.array([10]), "b": np.array([1]),
    ...                      "start_b": np.array([3]), "end_b": np.array([10]), "kind": np.array([0], dtype=np.int8),
    ...                      "similarity": np.array([1.0])})
    >>> bytes(ReuseCsvRows(records, None, passages).rows(0, 1)).decode()
    'a.txt,3,10,b.txt,3,10,copied,1.0,加快建设平台。,加快建设平台。\\r\\n'
    """

    def __init__(self, records: list[dict], template: dict | None, passages: Passages) -> None:
        everything = records + ([template] if template else [])
        self.texts = [record.get("text") or "" for record in everything]
        self.columns = passages.columns
        self.sources = _strings([csv_text_cell(record["source"]) for record in everything])
        self.kinds = _strings(list(KINDS))
        self.empty, self.comma = _strings(["", ","])  # scalars (pa.scalar would import pandas too)
        self.plain = PlainCells(self.texts)
        self._lay_out_texts()

    def _lay_out_texts(self) -> None:
        """The texts as UTF-8, end to end, in buffers of at most TEXT_BUFFER_MAX bytes (a character
        is at most 4); per notice, its buffer and its first character's number there; per buffer,
        where each character starts."""
        self.text_buffers: list[np.ndarray] = []  # each followed by PADDING zero bytes
        self.char_starts: list[np.ndarray] = []
        self.buffer_of = np.zeros(len(self.texts), dtype=np.int64)
        self.first_char = np.zeros(len(self.texts), dtype=np.int64)
        first = chars = 0
        for number, text in enumerate(self.texts):
            if number > first and 4 * (chars + len(text)) > TEXT_BUFFER_MAX:
                self._add_buffer(self.texts[first:number], chars)
                first, chars = number, 0
            self.buffer_of[number], self.first_char[number] = len(self.text_buffers), chars
            chars += len(text)
        self._add_buffer(self.texts[first:], chars)

    def _add_buffer(self, texts: list[str], chars: int) -> None:
        """Lay out ``texts`` (``chars`` characters in all) one by one: no copy of them all at once."""
        starts = np.zeros(chars + 1, dtype=np.int32 if 4 * chars < 2**31 else np.int64)
        at = 0
        for text in texts:
            # A character takes 1 byte, or 2, 3 or 4 from code points 0x80, 0x800 and 0x10000 up;
            # utf-32 is strict like utf-8: a lone surrogate fails here, as in any UTF-8 file.
            points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            widths = (points >= 0x80).view(np.uint8) + (points >= 0x800).view(np.uint8) \
                + (points >= 0x10000).view(np.uint8) + np.uint8(1)
            np.cumsum(widths, dtype=starts.dtype, out=starts[at + 1:at + 1 + len(text)])
            starts[at + 1:at + 1 + len(text)] += starts[at]
            at += len(text)
        data = np.zeros(int(starts[-1]) + PADDING, dtype=np.uint8)  # see _views
        for text, start in zip(texts, starts[np.cumsum([0] + [len(text) for text in texts[:-1]])].tolist()):
            encoded = text.encode("utf-8")
            data[start:start + len(encoded)] = np.frombuffer(encoded, dtype=np.uint8)
        self.text_buffers.append(data)
        self.char_starts.append(starts)

    def rows(self, first: int, count: int) -> memoryview:
        """Rows first .. first + count - 1 (fewer at the end), as the bytes of the file."""
        return _string_bytes(self.row_views(first, count).cast(pa.large_string()))

    def row_views(self, first: int, count: int) -> pa.Array:
        """The pieces of the rows (PIECES a row) as an Arrow array of string views."""
        names = ("a", "start_a", "end_a", "b", "start_b", "end_b", "kind", "similarity")
        a, start_a, end_a, b, start_b, end_b, kind, similarity = (self.columns[name][first:first + count]
                                                                  for name in names)
        rows = len(a)
        values, at = np.unique(similarity, return_inverse=True)  # each distinct similarity formatted once
        lead = pc.binary_join_element_wise(
            pc.take(self.sources, _integers(a)), _decimal(start_a), _decimal(end_a), pc.take(self.sources, _integers(b)),
            _decimal(start_b), _decimal(end_b), pc.take(self.kinds, _integers(kind)),
            pc.take(_strings([repr(value) for value in values.tolist()]), _integers(at.reshape(-1))),
            self.empty, self.comma)
        lead_offsets, lead_data = _string_parts(lead)
        lengths = np.zeros((rows, PIECES), dtype=np.int64)
        buffers = np.zeros((rows, PIECES), dtype=np.int64)  # 0: lead cells, 1: quoted cells, 2 + k: text buffer k
        offsets = np.zeros((rows, PIECES), dtype=np.int64)
        lengths[:, 0], offsets[:, 0] = np.diff(lead_offsets), lead_offsets[:-1]
        for piece, notices, starts, ends in ((1, a, start_a, end_a), (3, b, start_b, end_b)):
            buffers[:, piece], offsets[:, piece], lengths[:, piece] = self._text_pieces(notices, starts, ends)
        # Rows with a text cell csv_text_cell changes: both cells made by it, in a buffer of their own.
        quoted_rows = np.flatnonzero(~(self.plain.rows(a, start_a, end_a) & self.plain.rows(b, start_b, end_b)))
        cells = [csv_text_cell(self.texts[notice][start:end]).encode("utf-8") for row in quoted_rows.tolist()
                 for notice, start, end in ((a[row], start_a[row], end_a[row]), (b[row], start_b[row], end_b[row]))]
        quoted = np.frombuffer(b"".join(cells), dtype=np.uint8)
        cell_lengths = np.array([len(cell) for cell in cells], dtype=np.int64)
        cell_offsets = np.cumsum(cell_lengths) - cell_lengths
        for side, piece in enumerate((1, 3)):
            buffers[quoted_rows, piece] = 1
            offsets[quoted_rows, piece] = cell_offsets[side::2]
            lengths[quoted_rows, piece] = cell_lengths[side::2]
        lengths[:, 2], lengths[:, 4] = 1, 2  # "," and "\r\n", held in their views
        buffers[:, 2] = buffers[:, 4] = -1
        data = [_padded(lead_data), _padded(quoted), *self.text_buffers]
        views = _views(lengths.ravel(), buffers.ravel(), offsets.ravel(), data)
        views[2::PIECES, 4] = ord(",")
        views[4::PIECES, 4:6] = (ord("\r"), ord("\n"))
        return pa.Array.from_buffers(pa.string_view(), rows * PIECES,
                                     [None, pa.py_buffer(views)] + [pa.py_buffer(values) for values in data])

    def _text_pieces(self, notices: np.ndarray, starts: np.ndarray,
                     ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per passage, the buffer number (2 + text buffer), byte offset and byte length of its text."""
        buffer_of = self.buffer_of[notices]
        offsets, lengths = np.zeros(len(notices), dtype=np.int64), np.zeros(len(notices), dtype=np.int64)
        for number, char_starts in enumerate(self.char_starts):
            chosen = np.flatnonzero(buffer_of == number) if len(self.char_starts) > 1 else slice(None)
            base = self.first_char[notices[chosen]]
            offsets[chosen] = char_starts[base + starts[chosen]]
            lengths[chosen] = char_starts[base + ends[chosen]] - offsets[chosen]
        return buffer_of + 2, offsets, lengths


def _decimal(values: np.ndarray) -> pa.Array:
    return pc.cast(_integers(values), pa.string())


# Arrays made from their buffers: pa.array() imports pandas (45 MB) to check what it was given.
def _integers(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _strings(texts: list[str]) -> pa.Array:
    encoded = [text.encode("utf-8") for text in texts]
    offsets = np.concatenate(([0], np.cumsum([len(data) for data in encoded]))).astype(np.int32)
    return pa.Array.from_buffers(pa.string(), len(texts), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def _string_parts(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than values) and data bytes of an Arrow string or large_string array."""
    _, offsets, data = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    found = np.frombuffer(offsets, dtype=width, count=len(array) + 1, offset=array.offset * np.dtype(width).itemsize)
    return found, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)


def _string_bytes(array: pa.Array) -> memoryview:
    """The bytes of an Arrow string array's values, end to end."""
    offsets, data = _string_parts(array)
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def _views(lengths: np.ndarray, buffers: np.ndarray, offsets: np.ndarray, data: list[np.ndarray]) -> np.ndarray:
    """Arrow string views (16 bytes each: the length, then up to INLINE_BYTES bytes held, or the
    first 4 bytes, the buffer number and the offset) of the pieces data[buffer][offset:offset + length]
    (a buffer number below 0: a piece held in its view, left to the caller). Each buffer of
    ``data`` ends in PADDING bytes no piece holds: words are read whole, past a piece's end."""
    words = np.zeros((len(lengths), 4), dtype=np.uint32)  # a view as four little-endian words
    words[:, 0] = lengths
    for number, values in enumerate(data):
        chosen = np.flatnonzero(buffers == number)
        if not len(chosen):
            continue
        held = lengths[chosen] <= INLINE_BYTES
        short, long = chosen[held], chosen[~held]
        if len(short):
            found = _words_at(values, offsets[short], 3)
            # Bytes past the end of the string are zeros: word k keeps length - 4k of its bytes.
            kept = np.clip(lengths[short, None] - 4 * np.arange(3), 0, 4).astype(np.uint64)
            words[short, 1:] = found & ((np.uint64(1) << (kept * np.uint64(8))) - np.uint64(1)).astype(np.uint32)
        if len(long):
            words[long, 1] = _words_at(values, offsets[long], 1)[:, 0]
            words[long, 2] = number
            words[long, 3] = offsets[long]
    return words.view(np.uint8)


def _words_at(values: np.ndarray, offsets: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` little-endian 32-bit words starting at each byte offset of ``values``."""
    found = np.empty((len(offsets), count), dtype=np.uint32)
    for shift in range(4):  # the buffer read as words from each of its first four bytes
        chosen = np.flatnonzero(offsets % 4 == shift)
        if len(chosen):
            aligned = np.ndarray(((len(values) - shift) // 4,), dtype="<u4", buffer=values, offset=shift)
            found[chosen] = aligned[(offsets[chosen] // 4)[:, None] + np.arange(count)]
    return found


def _padded(values: np.ndarray) -> np.ndarray:
    """``values`` followed by PADDING zero bytes (see _views)."""
    return np.concatenate([values, np.zeros(PADDING, dtype=np.uint8)])


class PlainCells:
    """Which slices of a list of texts ``csv_text_cell`` leaves as they are: none of ``"`` ``,``
    and line breaks inside, no formula character first. Those characters are few in a notice,
    so their positions (texts laid end to end) answer for a chunk of rows with arrays.

    >>> cells = PlainCells(["一，二", "3,5", "=A1"])
    >>> cells.rows(np.array([0, 1, 1, 2, 2]), np.array([0, 0, 2, 0, 1]), np.array([3, 3, 3, 2, 3])).tolist()
    [True, False, True, False, True]
    """

    def __init__(self, texts: list[str]) -> None:
        self.bases = np.concatenate(([0], np.cumsum([len(text) for text in texts]))).astype(np.int64)
        quoting = re.compile("[" + re.escape(QUOTED_CHARACTERS) + "]")
        formula = re.compile("[" + re.escape("".join(FORMULA_START)) + "]")
        self.quoting = np.array([base + match.start() for base, text in zip(self.bases.tolist(), texts)
                                 for match in quoting.finditer(text)], dtype=np.int64)
        self.formula = np.array([base + match.start() for base, text in zip(self.bases.tolist(), texts)
                                 for match in formula.finditer(text)], dtype=np.int64)

    def rows(self, notices: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Per row, whether text[notice][start:end] is its own cell."""
        start, end = self.bases[notices] + starts, self.bases[notices] + ends
        quoted = np.searchsorted(self.quoting, end) > np.searchsorted(self.quoting, start)
        at = np.searchsorted(self.formula, start)
        formula_first = (at < len(self.formula)) & (self.formula[np.minimum(at, len(self.formula) - 1)] == start) \
            & (end > start) if len(self.formula) else np.zeros(len(start), dtype=bool)
        return ~quoted & ~formula_first
