"""The text reader on real encodings and on hostile files."""

from __future__ import annotations

import codecs

import pytest

from pipeline.readers import ReadError, read
from pipeline.readers.text import common_share, repair_mojibake
from tests.conftest import HUGUAN, WENXI


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("gbk", b""), ("utf-16", b""),
])
def test_readers_decode_every_common_encoding(tmp_path, encoding, prefix):
    original = WENXI.read_text(encoding="utf-8")
    path = tmp_path / "notice.txt"
    path.write_bytes(prefix + original.encode(encoding))
    document = read(path)
    assert document.text.lstrip("\ufeff") == original
    assert document.warnings == []


def test_readers_and_process_file_take_a_path_given_as_a_string():
    # Notebooks pass paths as strings: the same document and record as with a Path.
    from pipeline.run import process_file

    assert read(str(WENXI)).text == read(WENXI).text
    assert process_file(str(HUGUAN)).to_record() == process_file(HUGUAN, source=str(HUGUAN)).to_record()


def test_readers_accept_crlf(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(HUGUAN.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert "\r\n" in read(path).text


def test_readers_warn_about_undecodable_bytes_and_name_them(tmp_path):
    path = tmp_path / "broken.txt"
    good = "壶关县促进专业镇高质量发展实施方案".encode("utf-8")
    path.write_bytes(good + b"\xff\xfe\xfd" + good)
    document = read(path)
    assert document.warnings and "undecodable" in document.warnings[0]
    assert "\ufffd" in document.text and document.text.count("壶关县") == 2


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"   \n\t\r\n", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    (b"\x00\x01\x02\x03" * 100, "binary data"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "truncated PDF"),
])
def test_readers_refuse_bad_files_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read(path)


# Big5 needs Taiwan-standard characters (為, not OpenCC's default 爲, which Big5 lacks).
def test_readers_decode_big5_that_gb18030_would_also_accept(tmp_path):
    import opencc

    original = opencc.OpenCC("s2tw").convert(WENXI.read_text(encoding="utf-8"))
    path = tmp_path / "big5.txt"
    path.write_bytes(original.encode("big5"))
    document = read(path)
    assert document.encoding == "big5" and document.text == original


@pytest.mark.parametrize("codec", ["gb18030", "gbk"])
def test_readers_repair_utf8_read_as_gbk_mojibake(tmp_path, codec):
    original = WENXI.read_text(encoding="utf-8")
    garbled = original.encode("utf-8").decode(codec, errors="replace")
    path = tmp_path / "mojibake.txt"
    path.write_text(garbled, encoding="utf-8")
    document = read(path)
    assert any("mojibake" in w for w in document.warnings)
    # Bytes the first misreading replaced are gone; each costs at most two characters.
    assert document.text.count("\ufffd") <= 2 * garbled.count("\ufffd")
    assert common_share(document.text)[0] > 0.95 > 0.3 > common_share(garbled)[0]
    assert "闻喜县人民政府" in document.text and "支持专业镇高质量" in document.text


def test_readers_repair_lossless_mojibake_exactly(tmp_path):
    # Text whose UTF-8 bytes happen to form valid GB18030 survives the round trip whole.
    original = "壶关县人民政府办公室关于印发壶关县促进专业镇高质量发展实施方案的通知各乡镇人民政府"
    garbled = original.encode("utf-8").decode("gb18030", errors="replace")
    fixed, warnings = repair_mojibake(garbled)
    assert warnings and (fixed == original or fixed.count("\ufffd") <= 3)


@pytest.mark.parametrize("text, traditional", [
    # 繁体：整篇
    ("壺關縣人民政府辦公室關於印發壺關縣促進專業鎮高質量發展實施方案的通知", True),
    # 简体：含个别 OpenCC 会改的字（乾、著）也不算繁体
    ("壶关县人民政府办公室关于印发壶关县促进专业镇高质量发展实施方案的通知，乾县著名企业", False),
    ("Python 3 only", False),
])
def test_readers_detect_traditional_characters(text, traditional):
    from pipeline.readers.traditional import simplified_view

    view, warning = simplified_view(text)
    assert (view is not None) == traditional
    if traditional:
        assert len(view) == len(text) and view.startswith("壶关县人民政府办公室关于印发") and warning


@pytest.mark.parametrize("text", ["壺關縣", "乾隆皇帝著書立說", "頭髮和發展", "「一國兩制」", "\n\n裏外\r\n"])
def test_readers_simplified_view_keeps_every_offset(text):
    from pipeline.readers.traditional import to_simplified

    assert len(to_simplified(text)) == len(text)


@pytest.mark.parametrize("text, encoding", [
    # 短文本：两种解码都像中文时按 GB18030
    ("壶关县", "gb18030"),
    ("关于印发壶关县促进专业镇高质量发展实施方案的通知", "gb18030"),
    ("關於印發聞喜縣支持專業鎮高質量發展實施方案的通知", "big5"),
    ("聞喜縣人民政府辦公室", "big5"),
])
def test_readers_tell_big5_from_gb18030(tmp_path, text, encoding):
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(encoding))
    document = read(path)
    assert (document.text, document.encoding) == (text, encoding)
