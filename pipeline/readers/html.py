"""HTML reader for government portal pages: the article, and the portal's metadata table.

Supports:
    the article body: the smallest element holding nearly all of the page's non-link text
        (find_article), read a line per block element or <br>; navigation, scripts, share
        bars, related-link lists, footers and sidebars are left outside it
    article layouts: <div><p>…, a <td> of a layout table with <br> lines, <span>s in <div>s
    task tables inside the article -> numbered lines, see tables.py
    the metadata table portals print above the article (政府信息公开 pages):
        索引号 / 发文字号 / 发文机关 / 成文日期 / 发布日期 / 主题分类 in <td>/<th>, <li>, <dt>/<dd>
        or <span> pairs, with or without the colon -> one line "索引号：…｜发文字号：…" at
        the top of the text, which extractors/metadata.py reads as header fields
    the page title (<h1>) as a 标题 field when the article does not repeat it
    charsets declared in <meta> (GB2312 and GBK read as their superset GB18030)
    pages in traditional characters: labels and footers recognised on a simplified view
Avoids:
    ICP numbers, 公网安备 numbers, phone numbers and visitor counters of the page footer:
    never in the text, so never thresholds or metadata (footer lines are dropped wherever
    they turn up; share bars and the like are trimmed from the article's ends).
    The metadata table repeated inside the article.
    A page with no article (a list page, a 404 page): ReadError, not an empty notice.

Why not trafilatura (in the venv, well kept): on four portal layouts built from a sample
notice it was perfect on the plain div+p page (76/76 lines, no boilerplate), kept the
footer's ICP/phone/visitor line on the page with a related-files list, the navigation bar
and that footer on the spans-in-divs page (both sat in layout tables), and on the
table-layout page with <br> lines returned the whole page as four table rows, navigation
and ICP number included, no line of the notice intact. The walk here got 76/76 lines and no
boilerplate on all four; it is some 60 lines of lxml that tests pin down.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.readers import Document, ReadError
from pipeline.readers.tables import render_table
from pipeline.readers.text import decode
from pipeline.readers.traditional import to_simplified

# The labels portals print in their metadata table, as extractors/metadata.py knows them.
LABELS = ("索引号", "发文字号", "文号", "发文机关", "发布机构", "发文单位", "成文日期", "成文时间", "发布日期",
          "发布时间", "主题分类", "主题词", "生效日期", "标题", "名称")
LABEL_CELL = re.compile(rf"^\s*(?P<label>{'|'.join(LABELS)})\s*[：:]?\s*(?P<value>.*?)\s*$", re.S)
# Footer lines: never part of a notice, dropped wherever they are.
FOOTER = re.compile(r"ICP备|ICP证|公网安备|网站标识码|访问量|访问者|访问次数|浏览次数|阅读次数|版权所有|技术支持|"
                    r"字体大小|打印本页|关闭窗口|分享到")
# Page furniture that may cling to either end of an extracted article.
BOILERPLATE = re.compile(
    r"ICP备|ICP证|公网安备|网站标识码|访问量|访问者|访问次数|浏览次数|阅读次数|版权所有|技术支持|主办单位|承办单位|"
    r"网站地图|联系我们|字体大小|打印本页|关闭窗口|分享到|【大】|当前位置|相关链接|相关文件|相关阅读|上一篇|下一篇"
)
# Another label run into a value: "政务督查 发文单位: 嘉鱼县" (spaces inside labels: "文 号 :").
NEXT_LABEL = re.compile(r"\s+[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){1,5}\s*[：:]")
# Blocks whose Han text is mostly link text are link lists.
LINK_LIST_TAGS = {"ul", "ol", "li", "div", "p", "dl", "dd", "table", "tr", "td"}
LINK_SHARE = 0.2
BLOCKS = {"div", "p", "table", "tbody", "tr", "td", "th", "ul", "ol", "li", "dl", "dt", "dd", "section", "article",
          "h1", "h2", "h3", "h4", "form", "br"}
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
NOTICE_KIND = re.compile(r"关于|通知|意见|方案|办法|规定|决定|通告|公告|细则|规划|计划")
# The article holds at least this share of the non-link text of the element around it.
ARTICLE_SHARE = 0.8
LINE_TAGS = {"p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
             "blockquote", "pre", "dt", "dd", "center", "ul", "ol", "dl"}
SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "iframe", "form", "select", "button", "input"}
# Fewer Chinese characters than this in the article: the page has no article.
MIN_ARTICLE_HAN = 30
MAX_BYTES = 20 * 1024 * 1024


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    match = CHARSET.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii").lower()
        encoding = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
        try:
            return data.decode(encoding), encoding, []
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detect instead
    return decode(data)


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def metadata_fields(tree) -> list[tuple[str, str]]:
    """(label, value) pairs of the page's metadata table, in page order, first of each label."""
    found: dict[str, str] = {}
    for element in tree.iter("td", "th", "li", "dt", "dd", "span", "p", "div", "label", "b", "strong"):
        if any(child.tag in BLOCKS for child in element):
            continue  # a container: its cells are looked at one by one
        text = _text(element)
        match = LABEL_CELL.match(to_simplified(text))  # 發文字號 is 发文字号; the value stays as printed
        if not match or len(match.group("value")) > 120:
            continue
        label, value = match.group("label"), _field_value(text[match.start("value"):match.end("value")])
        if not value:
            # The value sits in the next cell / dd / span.
            sibling = element.getnext()
            if sibling is None and element.getparent() is not None and element.getparent().tag in ("b", "strong", "label"):
                sibling = element.getparent().getnext()
            value = _field_value(_text(sibling)) if sibling is not None else ""
            if LABEL_CELL.match(to_simplified(value)) or len(value) > 120:
                value = ""
        if value and label not in found:
            found[label] = value
    return list(found.items())


def _field_value(raw: str) -> str:
    """A field's value without the separators and the next fields that portals run into it.

    >>> _field_value("| xzfgzbmzfb/2021-3740 | 公开目录: | 县政府办文件 |"), _field_value("政务督查 发文单位: 嘉鱼县")
    ('xzfgzbmzfb/2021-3740', '政务督查')
    """
    value = raw.strip().lstrip("|｜:： ").strip()
    value = re.split(r"\s*[|｜]", value, maxsplit=1)[0]
    value = NEXT_LABEL.split(value, maxsplit=1)[0]
    return value.strip()


def _page_title(tree) -> str | None:
    for element in tree.iter("h1", "h2"):
        title = _text(element)
        if len(title) >= 8 and NOTICE_KIND.search(to_simplified(title)):
            return title
    return None


def _han(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def _own_han(element, cache: dict) -> int:
    """Han characters of ``element``'s text outside links (navigation is links)."""
    # Keyed by the element itself: holding it keeps lxml's proxy alive, so the key stays unique.
    if element not in cache:
        total = 0 if element.tag == "a" or not isinstance(element.tag, str) else _han(element.text or "")
        for child in element:
            total += _own_han(child, cache) + _han(child.tail or "")
        cache[element] = total
    return cache[element]


def find_article(tree):
    """The smallest element that holds nearly all of the page's non-link text.

    Starting at <body>, step into the child that holds at least ARTICLE_SHARE of the
    current element's non-link Han characters, until no child does. Navigation (links),
    footers and sidebars hold too little text to be followed.
    """
    cache: dict = {}
    node = tree.find("body") if tree.find("body") is not None else tree
    while True:
        total = _own_han(node, cache)
        best = max(node, key=lambda child: _own_han(child, cache) if isinstance(child.tag, str) else -1, default=None)
        if best is None or not isinstance(best.tag, str) or _own_han(best, cache) < ARTICLE_SHARE * total:
            return node
        node = best


def _lines(element, roles_holder: list) -> list[str]:
    """Text lines of an element: a line per block element or <br>, task tables rendered."""
    lines: list[str] = []
    current: list[str] = []
    cache: dict = {}

    def flush() -> None:
        line = re.sub(r"[ \t\r\n\xa0]+", " ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(node) -> None:
        if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
            return
        if node.tag == "table":
            flush()
            cells = [cell for cell in node.iter("td", "th")]
            layout = any(inner.tag in ("table", "p", "div", "br") for cell in cells for inner in cell.iter()
                         if inner is not cell)
            if not layout:  # a data table: a task table becomes numbered lines, any other a line per row
                if sum(label in to_simplified(_text(node)) for label in LABELS) >= 2:
                    return  # the metadata table, read on its own
                rows = [["".join(cell.itertext()).strip() for cell in row.iter("td", "th")] for row in node.iter("tr")]
                rendered, roles_holder[0], _ = render_table(rows, roles_holder[0])
                lines.extend(rendered)
                return
            for cell in cells:  # a layout table: its cells are blocks of the page
                if not any(parent.tag in ("td", "th") for parent in cell.iterancestors() if parent is not node
                           and node in parent.iterancestors()):
                    walk(cell)
                    flush()
            return
        block = node.tag in LINE_TAGS
        if block and node.tag in LINK_LIST_TAGS:
            total = _han("".join(node.itertext()))
            if total and _own_han(node, cache) < LINK_SHARE * total:
                return  # a list of links (related files, next/previous notice): not the notice
        if block:
            flush()
        if node.tag == "br":
            flush()
        current.append(node.text or "")
        for child in node:
            walk(child)
            current.append(child.tail or "")
        if block:
            flush()

    walk(element)
    flush()
    return lines


def _trim(lines: list[str]) -> list[str]:
    while lines and BOILERPLATE.search(to_simplified(lines[0])):
        lines.pop(0)
    while lines and BOILERPLATE.search(to_simplified(lines[-1])):
        lines.pop()
    return lines


def read_html(path: Path) -> Document:
    """Read a portal page; see the module docstring."""
    import lxml.html

    try:
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}") from err
    if len(data) > MAX_BYTES:
        raise ReadError(f"HTML page is {len(data) / 1e6:.0f} MB, over the {MAX_BYTES // 2**20} MiB limit")
    page, encoding, warnings = _decode(data)
    try:
        tree = lxml.html.document_fromstring(page.lstrip("\ufeff").encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True))
    except Exception as err:  # lxml raises ParserError / XMLSyntaxError on hopeless input
        raise ReadError(f"unparsable HTML: {err}") from err
    for junk in tree.iter("script", "style", "noscript", "template"):
        junk.text = None
    fields = metadata_fields(tree)
    lines = _trim([line for line in _lines(find_article(tree), [None]) if not FOOTER.search(to_simplified(line))])
    if sum(1 for ch in "".join(lines) if "\u4e00" <= ch <= "\u9fff") < MIN_ARTICLE_HAN:
        raise ReadError("HTML page with no article text (a list, navigation or error page?)")
    labels = {label for label, _ in fields}
    compact = re.sub(r"\s+", "", "".join(lines[:15]))
    title = _page_title(tree)
    if title and not labels & {"标题", "名称"} and re.sub(r"\s+", "", title) not in compact:
        fields.append(("标题", title))
    # One line, fields apart by ｜ as portals print them: the article's own header lines stay
    # where the metadata extractor looks for them.
    # The closing ｜ marks it as a field row, which the normaliser never glues to the title.
    header = ["｜".join(f"{label}：{value}" for label, value in fields) + "｜"] if fields else []
    return Document("\n".join(header + lines), "html", encoding, warnings)
