"""Synthetic notices for the benchmark: N realistic variants of the two sample notices.

Each synthetic notice starts from one sample (Huguan or Wenxi, alternately) and changes:

* the place: another county of another city and province from ``extractors/data/regions.csv``,
  in full (壶关县 -> 平遥县), in short (壶关 -> 平遥), in doc numbers (壶政办发 -> 平政办发);
* the numbers: every date moves by one offset (so 成文日期 and 发布日期 keep their order),
  years in 〔2023〕 and 到2025年 follow, other numbers get new values of the same size, and a
  range stays a range (1-2个 -> 3-7个);
* the actions: the ten tasks of 重点任务 come in another order and are renumbered, their titles
  reworded (实施 -> 开展, 行动 -> 工程, 提升 -> 增强 …), and the inner sentences of each paragraph
  shuffled (the first and last stay, so a title and a responsibility clause keep their place);
* the units: in each responsibility clause a unit's name is swapped for another alias of the
  same canonical id in ``extractors/data/unit_aliases.csv`` (县工信局 -> 县经信局).

A notice depends only on (seed, index), so a corpus is the same on every machine and any part
of it can be made alone. Files are written one at a time; the corpus is never held in memory.

    python -m bench.synth OUT --count 1000 [--seed 0] [--formats txt,docx,pdf]

DOCX files are written with ``scripts/make_fixtures.py``'s ``write_docx`` (python-docx, a 公文
page layout) and PDFs printed from them by LibreOffice in one batch, as the committed fixtures
are; without ``soffice`` no PDFs are made and a message says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from extractors.knowledge import data_dir, load_regions, load_unit_table

ROOT = Path(__file__).resolve().parent.parent
HUGUAN = ROOT / "corpora" / "000_3906f5c9db5bee8f.txt"
WENXI = ROOT / "corpora" / "001_71559f4dc2e04346.txt"


@dataclass(frozen=True, slots=True)
class Place:
    province: str
    city: str
    county: str
    adcode: str = ""

    @property
    def province_short(self) -> str:
        return self.province.removesuffix("省")

    @property
    def city_short(self) -> str:
        return self.city.removesuffix("市")

    @property
    def county_short(self) -> str:
        return self.county.removesuffix("县")


@dataclass(frozen=True, slots=True)
class Template:
    path: Path
    place: Place
    # 发文字号 prefixes that stand for the county, the city and the province (壶政办发, 运政办发, 晋政办发).
    county_doc_prefix: str
    city_doc_prefix: str | None


TEMPLATES = (
    Template(HUGUAN, Place("山西省", "长治市", "壶关县"), "壶政", None),
    Template(WENXI, Place("山西省", "运城市", "闻喜县"), "闻政", "运政"),
)
# 发文字号 of a provincial government start with the province's one-character name.
PROVINCE_ABBREVIATIONS = {
    "河北省": "冀", "山西省": "晋", "辽宁省": "辽", "吉林省": "吉", "黑龙江省": "黑", "江苏省": "苏",
    "浙江省": "浙", "安徽省": "皖", "福建省": "闽", "江西省": "赣", "山东省": "鲁", "河南省": "豫",
    "湖北省": "鄂", "湖南省": "湘", "广东省": "粤", "海南省": "琼", "四川省": "川", "贵州省": "黔",
    "云南省": "云", "陕西省": "陕", "甘肃省": "甘", "青海省": "青", "台湾省": "台",
}

# ── Numbers ──────────────────────────────────────────────────────────────────────────────
# One pass over the text, so a number is changed once: dates, doc-number years, target
# years, ranges, then any other run of digits (but not 5G, where the digit is part of a name).
NUMBERS = re.compile(
    r"(?P<cn_date>(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日)"
    r"|(?P<iso_date>(?<!\d)(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})(?!\d))"
    r"|(?P<doc>〔(?P<doc_year>(?:19|20)\d{2})〕(?P<doc_number>\d{1,4})号)"
    r"|(?P<year>(?<!\d)(?:19|20)\d{2}(?=\s*年))"
    r"|(?P<range>(?<!\d)(?P<low>\d{1,3})-(?P<high>\d{1,3})(?!\d))"
    r"|(?P<number>(?<![\dA-Za-z])\d+(?![\dA-Za-z]))"
)

# ── Actions ──────────────────────────────────────────────────────────────────────────────
CN_NUMERALS = "一二三四五六七八九十"
SECTION_HEADING = re.compile(rf"^[{CN_NUMERALS}]+、")
TASK_SECTION = re.compile(rf"^[{CN_NUMERALS}]+、\s*重点任务")
ACTION_MARKER = re.compile(rf"^(?P<open>[（(])\s*(?P<numeral>[{CN_NUMERALS}]+)\s*(?P<close>[）)])\s*")
# Words of a task title and what a county might write instead.
TITLE_SYNONYMS = (
    ("实施", ("开展", "推进", "组织实施")),
    ("行动", ("工程", "专项行动", "攻坚行动")),
    ("提升", ("增强", "提高")),
    ("壮大", ("做强", "培育")),
    ("优化", ("改善", "提质")),
    ("拓展", ("开拓", "开发")),
    ("精准", ("定向", "专业")),
    ("保障", ("支撑", "支持")),
    ("倍增", ("扩容", "培育")),
    ("攻坚", ("建设", "推进")),
    ("赋能", ("增收", "促进")),
)
# The clause that says who leads and who cooperates (ASCII brackets too: Wenxi's (十) has them).
RESPONSIBILITY = re.compile(r"[（(][^（）()]*?(?:牵头|负责)[^（）()]*?(?:[）)]|$)")
# A unit name ends where the list goes on or the clause ends.
UNIT_END = r"(?=[、，,和等牵按配负）)\n]|$)"
# Aliases a county would print as a unit's name (not a province's 厅, not a bare 乡镇 or 开发区).
UNIT_WORD = re.compile(r"(?:局|中心|委|办|政府|管委会)$")


@dataclass(slots=True)
class SynthNotice:
    """One generated notice and what the generator changed, for checks and tests."""

    index: int
    template: str
    place: Place
    text: str
    action_titles: list[str] = field(default_factory=list)
    # Unit names written into responsibility clauses in place of another alias: name -> canonical id.
    renamed_units: dict[str, str] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return f"{self.index:06d}_{self.place.adcode}"


@cache
def _counties() -> tuple[Place, ...]:
    """Counties a notice can move to: 县 of a 市 of a 省, whose short form is two characters or more."""
    places = []
    for row in load_regions(data_dir() / "regions.csv"):
        county, city, province = row.county, row.city, row.province
        if not (county and city and county.endswith("县") and city.endswith("市") and province.endswith("省")):
            continue
        if "自治" in county or len(county) < 3 or province not in PROVINCE_ABBREVIATIONS:
            continue
        places.append(Place(province, city, county, row.adcode))
    return tuple(places)


@cache
def _alias_groups() -> tuple[re.Pattern[str], dict[str, str], dict[str, tuple[str, ...]]]:
    """(regex finding any alias at a unit's end, alias -> id, id -> aliases a county would print)."""
    aliases = load_unit_table(data_dir()).aliases
    printable: dict[str, list[str]] = {}
    for alias, unit_id in sorted(aliases.items()):
        if UNIT_WORD.search(alias) and "厅" not in alias and not re.search(r"[（()）]", alias):
            printable.setdefault(unit_id, []).append(alias)
    finder = re.compile("(?:" + "|".join(map(re.escape, sorted(aliases, key=len, reverse=True))) + ")" + UNIT_END)
    return finder, aliases, {unit_id: tuple(names) for unit_id, names in printable.items()}


@cache
def _template_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _move_place(text: str, template: Template, place: Place) -> str:
    old = template.place
    mapping = {
        old.county: place.county, old.city: place.city, old.province: place.province,
        old.county_short: place.county_short, old.city_short: place.city_short,
        old.province_short: place.province_short,
        template.county_doc_prefix: place.county_short[0] + "政",
        PROVINCE_ABBREVIATIONS[old.province] + "政": PROVINCE_ABBREVIATIONS[place.province] + "政",
    }
    if template.city_doc_prefix:
        mapping[template.city_doc_prefix] = place.city_short[0] + "政"
    finder = re.compile("|".join(map(re.escape, sorted(mapping, key=len, reverse=True))))
    return finder.sub(lambda match: mapping[match.group()], text)


def _same_size(digits: str, rng: random.Random) -> str:
    """Another number with as many digits (leading zeros of an index number kept)."""
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = len(digits) - zeros
    if rest == 0:
        return digits
    return "0" * zeros + str(rng.randint(10 ** (rest - 1), 10 ** rest - 1))


def _change_numbers(text: str, rng: random.Random) -> str:
    shift = timedelta(days=rng.randint(-1500, 400))

    def moved(y: str, m: str, d: str) -> date | None:
        try:
            return date(int(y), int(m), int(d)) + shift
        except ValueError:
            return None

    years = (date(2023, 6, 1) + shift).year - 2023

    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if match.group("cn_date"):
            new = moved(match.group("y"), match.group("m"), match.group("d"))
            return f"{new.year}年{new.month}月{new.day}日" if new else match.group()
        if match.group("iso_date"):
            new = moved(match.group("y2"), match.group("m2"), match.group("d2"))
            return new.isoformat() if new else match.group()
        if match.group("doc"):
            return f"〔{int(match.group('doc_year')) + years}〕{rng.randint(1, 120)}号"
        if match.group("year"):
            return str(int(match.group("year")) + years)
        if match.group("range"):
            low = rng.randint(1, 8)
            return f"{low}-{low + rng.randint(1, 5)}"
        assert kind == "number"
        return _same_size(match.group("number"), rng)

    return NUMBERS.sub(replace, text)


def _task_chunks(lines: list[str]) -> tuple[int, int, list[int]] | None:
    """(first line of the task section, line after it, start line of each action)."""
    start = next((i for i, line in enumerate(lines) if TASK_SECTION.match(line.strip())), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if SECTION_HEADING.match(lines[i].strip())), len(lines))
    starts = [i for i in range(start + 1, end) if ACTION_MARKER.match(lines[i].strip())]
    return start, end, starts


def _reword_title(title: str, rng: random.Random) -> str:
    for word, alternatives in TITLE_SYNONYMS:
        if word in title and rng.random() < 0.5:
            title = title.replace(word, rng.choice(alternatives), 1)
    return title


def _shuffle_sentences(line: str, rng: random.Random) -> str:
    """Shuffle the inner sentences of a paragraph; the first and the last stay where they are."""
    sentences = re.findall(r"[^。]*。|[^。]+$", line)
    if len(sentences) < 4:
        return line
    inner = sentences[1:-1]
    rng.shuffle(inner)
    return sentences[0] + "".join(inner) + sentences[-1]


def _rename_units(chunk: str, rng: random.Random, renamed: dict[str, str]) -> str:
    finder, aliases, printable = _alias_groups()
    choice: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        alias = match.group()
        unit_id = aliases[alias]
        others = [name for name in printable.get(unit_id, ()) if name != alias]
        if not others:
            return alias
        new = choice.setdefault(alias, rng.choice(others))
        prefix_end = match.start()
        prefix = match.string[max(0, prefix_end - 1):prefix_end]
        if prefix in ("县", "市", "各"):
            renamed[prefix + new] = unit_id
        return new

    return RESPONSIBILITY.sub(lambda clause: finder.sub(swap, clause.group()), chunk)


def _rework_actions(text: str, rng: random.Random, notice: SynthNotice) -> str:
    lines = text.split("\n")
    found = _task_chunks(lines)
    if found is None or len(found[2]) < 2:
        return text
    start, end, starts = found
    chunks = [lines[a:b] for a, b in zip(starts, starts[1:] + [end])]
    rng.shuffle(chunks)
    reworked: list[str] = []
    for number, chunk in enumerate(chunks, start=1):
        head = chunk[0]
        marker = ACTION_MARKER.match(head.lstrip())
        rest = head.lstrip()[marker.end():]
        title, dot, body = rest.partition("。")
        title = _reword_title(title, rng)
        notice.action_titles.append(title)
        numeral = _numeral(number)
        head = f"{marker.group('open')}{numeral}{marker.group('close')}{title}{dot}{body}"
        block = "\n".join([head] + chunk[1:])
        block = "\n".join(_shuffle_sentences(line, rng) for line in block.split("\n"))
        reworked.append(_rename_units(block, rng, notice.renamed_units))
    return "\n".join(lines[:starts[0]] + reworked + lines[end:])


def _numeral(number: int) -> str:
    """Chinese numeral of 1..99 as a list marker writes it: 一, 十, 十二, 二十三."""
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUMERALS[tens - 1] + "十")
    return head + (CN_NUMERALS[ones - 1] if ones else "")


def synth_notice(index: int, seed: int = 0) -> SynthNotice:
    """The ``index``-th notice of the corpus ``seed``: the same on every run and machine."""
    rng = random.Random(f"policymap-synth:{seed}:{index}")
    template = TEMPLATES[index % len(TEMPLATES)]
    place = rng.choice(_counties())
    notice = SynthNotice(index, template.path.stem, place, "")
    text = _template_text(template.path)
    text = _rework_actions(text, rng, notice)
    text = _move_place(text, template, place)
    notice.renamed_units = {_move_place(name, template, place): unit_id
                            for name, unit_id in notice.renamed_units.items()}
    notice.text = _change_numbers(text, rng)
    return notice


def generate(out: Path, count: int, seed: int = 0, formats: tuple[str, ...] = ("txt",),
             pdf_count: int | None = None) -> dict[str, list[Path]]:
    """Write ``count`` notices under ``out/<format>/``; returns the files written per format.

    DOCX and PDF are slow to make (python-docx, LibreOffice), so ``pdf_count`` limits how
    many of the DOCX files are also printed to PDF (default: all of them).
    """
    written: dict[str, list[Path]] = {fmt: [] for fmt in formats}
    for fmt in formats:
        (out / fmt).mkdir(parents=True, exist_ok=True)
    write_docx = _docx_writer() if ("docx" in formats or "pdf" in formats) else None
    docx_dir = out / "docx" if "docx" in formats else Path(tempfile.mkdtemp(prefix="synth-docx-"))
    to_print: list[Path] = []
    for notice in iter_notices(count, seed):
        if "txt" in formats:
            path = out / "txt" / f"{notice.stem}.txt"
            path.write_text(notice.text, encoding="utf-8")
            written["txt"].append(path)
        if write_docx is not None:
            path = docx_dir / f"{notice.stem}.docx"
            write_docx([line.strip() for line in notice.text.split("\n") if line.strip()], path)
            if "docx" in formats:
                written["docx"].append(path)
            if "pdf" in formats and (pdf_count is None or len(to_print) < pdf_count):
                to_print.append(path)
    if to_print:
        written["pdf"] = print_pdfs(to_print, out / "pdf")
    if "docx" not in formats and write_docx is not None:
        shutil.rmtree(docx_dir, ignore_errors=True)
    return written


def iter_notices(count: int, seed: int = 0) -> Iterator[SynthNotice]:
    for index in range(count):
        yield synth_notice(index, seed)


def _docx_writer():
    """``write_docx(lines, path)`` of scripts/make_fixtures.py, which makes the committed fixtures."""
    script = ROOT / "scripts" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_fixtures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_docx


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def print_pdfs(docx_files: list[Path], out: Path, batch: int = 50) -> list[Path]:
    """Print DOCX files to PDF with LibreOffice, many per start-up; [] without LibreOffice."""
    program = soffice()
    if program is None:
        print("no PDFs: soffice not found (apt-get install libreoffice-writer-nogui fonts-noto-cjk)",
              file=sys.stderr)
        return []
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        for first in range(0, len(docx_files), batch):
            subprocess.run([program, "--headless", f"-env:UserInstallation=file://{profile}/profile",
                            "--convert-to", "pdf", "--outdir", str(out),
                            *map(str, docx_files[first:first + batch])],
                           check=True, capture_output=True, timeout=600)
    return [out / f"{path.stem}.pdf" for path in docx_files if (out / f"{path.stem}.pdf").exists()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="txt", help="comma-separated: txt,docx,pdf")
    parser.add_argument("--pdf-count", type=int, default=None, help="print only this many to PDF")
    args = parser.parse_args(argv)
    formats = tuple(fmt.strip() for fmt in args.formats.split(",") if fmt.strip())
    written = generate(args.out, args.count, args.seed, formats, args.pdf_count)
    for fmt, paths in written.items():
        print(f"{len(paths)} {fmt} files in {args.out / fmt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
