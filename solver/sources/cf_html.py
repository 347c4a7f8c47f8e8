"""Codeforces problem pages -> Problem values. Pure: bytes in, values out; no network, no disk.

Handles the layouts Codeforces has served over the years:
- samples as ``<pre>`` with ``<br />`` line breaks (old pages), or with real newlines
  (possibly a leading one);
- the multi-test layout where every line of a sample is a ``div.test-example-line``;
- one problem per page (``/contest/N/problem/X``, problemset, gym, group) or every problem of a contest on
  one page (``/contest/N/problems``: several ``div.problemindexholder``);
- interactive problems (an "Interaction" section; the example output is an exchange, not an answer);
- images (made absolute so a statement read from the store still points somewhere).

TeX is kept readable: ``$$$x$$$`` becomes ``$x$``, ``$$$$$$x$$$$$$`` becomes ``$$x$$``, and the old
``span.tex-span`` markup (``<i>``, ``<sub>``, ``<sup>``) is turned into ``$c_{i}$``-style TeX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString

from solver.errors import ChallengeError, ParseError
from solver.problem import DEFAULT_BASE, INDEX, ContestRef, Problem, ProblemId, Sample, ref_from_path

# The way round a page we cannot fetch (a Cloudflare challenge, no network): the user's own browser.
SAVE_PAGE_ADVICE = (
    "open it in a browser, save the page and run `python -m solver import FILE.html`, "
    "or send the problem with Competitive Companion and import its JSON"
)

# Phrases by which a statement admits more than one correct output; the judge then needs a checker.
_SEVERAL_ANSWERS = re.compile(
    r"|".join(
        [
            r"\b(?:print|output|find|display)\s+any\b",
            r"\bin\s+any\s+order\b",
            r"\bif\s+there\s+(?:are|is|exist|exists)\s+(?:several|multiple|many|more\s+than\s+one)\s+"
            r"(?:possible\s+|valid\s+|correct\s+|optimal\s+|suitable\s+)?(?:answers?|solutions?|ways)",
            r"\b(?:several|multiple)\s+(?:possible\s+|valid\s+|correct\s+)?(?:answers|solutions)\s+"
            r"(?:are|is)\s+(?:possible|allowed|acceptable|accepted)",
            r"\bany\s+(?:valid|correct|possible|suitable|optimal)\s+(?:answer|solution|one|sequence|"
            r"permutation|array|string|construction)",
            r"выведите\s+любо",
            r"любой\s+из\s+них",
            r"несколько\s+(?:возможных\s+|правильных\s+)?(?:ответов|решений)",
        ]
    ),
    re.IGNORECASE,
)
_INTERACTIVE = re.compile(r"this\s+is\s+an\s+interactive\s+problem|интерактивн", re.IGNORECASE)
_INTERACTION_TITLES = {"interaction", "протокол взаимодействия"}
# Markers of Cloudflare's interstitial page. Not "/cdn-cgi/challenge-platform/" alone: Cloudflare also
# injects a ".../scripts/jsd/main.js" beacon into ordinary pages, problem pages included.
_CHALLENGE_MARKERS = (
    b"_cf_chl_opt",
    b"<title>Just a moment...</title>",
    b"cf-browser-verification",
    b"challenge-platform/h/",
    b'id="challenge-running"',
)
_TITLE_PREFIX = re.compile(rf"^\s*({INDEX})\s*\.\s*")
# Chrome and Edge mark a page saved with "Save as" by the address it came from.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
# A whole contest on one page (/contest/N/problems) wraps its statements in this block.
_CONTEST_PAGE = re.compile(rb'class="[^"]*\bproblem-frames\b')


def several_answers_in(text: str) -> bool:
    """Does the text admit several correct outputs ("print any of them", "in any order", ...)?"""
    return bool(_SEVERAL_ANSWERS.search(text))


def interactive_in(text: str) -> bool:
    return bool(_INTERACTIVE.search(text))


def looks_like_challenge(body: bytes | str) -> bool:
    """True for a Cloudflare "checking your browser" page (it has no problem in it)."""
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    if b"problem-statement" in raw:
        return False  # whatever else is on it, the page has the problem
    return any(marker in raw for marker in _CHALLENGE_MARKERS)


def parse_problem(
    html: bytes | str,
    pid: ProblemId | None = None,
    *,
    url: str = "",
    base_url: str = DEFAULT_BASE,
    fallback: ProblemId | ContestRef | None = None,
) -> Problem:
    """Parse a one-problem page (or pick ``pid`` from a whole contest's page).

    The id: ``pid``, else the page's own address (see ``page_ref``), else ``fallback`` (what the caller
    read elsewhere, e.g. a file name)."""
    soup, statements = _statements(html)
    # A contest's page holds its problems under their own indices: pick the one asked for. (A one-problem
    # page is filed under whatever ``pid`` says.)
    if pid is not None and _contest_page(soup, statements):
        for holder, st in statements:
            if _holder_index(holder, st) == pid.index:
                return _parse_statement(st, pid, url or pid.url(base_url), base_url)
        found = ", ".join(_holder_index(h, st) for h, st in statements)
        raise ParseError(f"the page holds problems {found} but none with index {pid.index}")
    holder, st = statements[0]
    if pid is None:
        known = _page_ref(soup, url) or fallback
        pid = _problem_id(known, _holder_index(holder, st), contest_page=_contest_page(soup, statements))
    return _parse_statement(st, pid, url or pid.url(base_url), base_url)


def parse_problems(
    html: bytes | str,
    ref: ContestRef | None = None,
    *,
    base_url: str = DEFAULT_BASE,
    fallback: ProblemId | ContestRef | None = None,
) -> list[Problem]:
    """Parse every problem on a page (``/contest/N/problems`` or a single-problem page).

    The contest: ``ref``, else the page's own address (see ``page_ref``), else ``fallback``."""
    soup, statements = _statements(html)
    known: ProblemId | ContestRef | None = ref or _page_ref(soup, "") or fallback
    problems = []
    for holder, st in statements:
        pid = _problem_id(known, _holder_index(holder, st), contest_page=_contest_page(soup, statements))
        problems.append(_parse_statement(st, pid, pid.url(base_url), base_url))
    indices = [p.id.index for p in problems]
    if len(set(indices)) != len(indices):
        raise ParseError(f"the page lists problem indices more than once ({', '.join(indices)})")
    return problems


def is_contest_page(html: bytes | str) -> bool:
    """Is this a whole contest's problems page (``/contest/N/problems``) rather than one problem's?"""
    raw = html if isinstance(html, bytes) else html.encode("utf-8")
    return bool(_CONTEST_PAGE.search(raw)) or raw.count(b'class="problemindexholder"') > 1


def page_ref(html: bytes | str) -> ProblemId | ContestRef | None:
    """What the page says it is, where it says so: None for a page with no trace of its address."""
    return _page_ref(BeautifulSoup(_text(html), "html.parser"), "")


def _page_ref(soup: BeautifulSoup, url: str) -> ProblemId | ContestRef | None:
    """The page's own address, from the surest trace to the weakest: the URL it was fetched from, the
    browser's "saved from url" mark, a canonical link, the login link (``/enter?back=<this page>``),
    then the contest's home link in the page's menus (never a link inside a statement: statements cite
    other contests)."""
    candidates: list[str] = [url] if url else []
    for comment in soup.find_all(string=lambda t: isinstance(t, Comment)):
        m = _SAVED_FROM.search(f"<!--{comment}-->")
        if m:
            candidates.append(m.group(1))
    for tag in soup.find_all("link", rel="canonical", href=True):
        candidates.append(str(tag["href"]))
    for tag in soup.find_all("meta", property="og:url", content=True):
        candidates.append(str(tag["content"]))
    for a in soup.find_all("a", href=True):
        parts = urlsplit(str(a["href"]))
        if parts.path.rstrip("/") == "/enter":
            candidates += parse_qs(parts.query).get("back", [])
    for candidate in candidates:
        ref = ref_from_path(urlsplit(candidate).path)
        if ref is not None:
            return ref
    for a in soup.find_all("a", href=True):
        if a.find_parent("div", class_="problem-statement") is not None:
            continue
        ref = ref_from_path(urlsplit(str(a["href"])).path)
        if isinstance(ref, ContestRef):
            return ref
    return None


def _contest_page(soup: BeautifulSoup, statements: list[tuple[Tag | None, Tag]]) -> bool:
    return len(statements) > 1 or soup.find("div", class_="problem-frames") is not None


def _problem_id(known: ProblemId | ContestRef | None, index: str, *, contest_page: bool) -> ProblemId:
    if isinstance(known, ProblemId):
        return known if known.index == index else known.contest().problem(index)
    if isinstance(known, ContestRef):
        return known.problem(index)
    example = (
        "the contest's id, e.g. --id 1715 for codeforces.com/contest/1715/problems"
        if contest_page
        else "the problem id, e.g. --id 1999A for codeforces.com/contest/1999/problem/A"
    )
    raise ParseError(
        "cannot tell which contest this page belongs to (it holds no link to its contest, and no "
        f"\"saved from\" address): give {example}"
    )


# --- page structure ------------------------------------------------------------------------------------


def _text(html: bytes | str) -> str:
    return html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html


def _statements(html: bytes | str) -> tuple[BeautifulSoup, list[tuple[Tag | None, Tag]]]:
    raw = html if isinstance(html, bytes) else html.encode("utf-8")
    if looks_like_challenge(raw):
        raise ChallengeError(f"this is a Cloudflare challenge page, not a problem: {SAVE_PAGE_ADVICE}")
    text = _text(raw)
    if re.search(r"<html[\s>]", text, re.IGNORECASE) and not re.search(r"</html\s*>", text, re.IGNORECASE):
        raise ParseError("the page is truncated (no closing </html>): fetch it again")
    soup = BeautifulSoup(text, "html.parser")
    found: list[tuple[Tag | None, Tag]] = []
    for st in soup.find_all("div", class_="problem-statement"):
        holder = st.find_parent("div", class_="problemindexholder")
        found.append((holder, st))
    if not found:
        raise ParseError(
            "not a Codeforces problem page (no div.problem-statement; gym statements may be PDF only)"
        )
    return soup, found


def _holder_index(holder: Tag | None, st: Tag) -> str:
    if holder is not None:
        idx = holder.get("problemindex")
        if isinstance(idx, str) and idx.strip():
            return idx.strip().upper()
    title = _title(st)
    m = _TITLE_PREFIX.match(title)
    if not m:
        raise ParseError(f"cannot tell the problem index from the title {title!r}")
    return m.group(1).upper()


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value] if value else []


def _title(st: Tag) -> str:
    header = st.find("div", class_="header")
    t = header.find("div", class_="title") if isinstance(header, Tag) else None
    if not isinstance(t, Tag):
        raise ParseError("the problem header has no title: the page is truncated or has an unknown layout")
    return " ".join(t.get_text(" ").split())


def _property(header: Tag, cls: str) -> str | None:
    node = header.find("div", class_=cls)
    if not isinstance(node, Tag):
        return None
    parts = [
        str(c) if isinstance(c, NavigableString) else c.get_text(" ")
        for c in node.children
        if not (isinstance(c, Tag) and "property-title" in _classes(c))
    ]
    return " ".join("".join(parts).split())


def parse_time_limit(text: str) -> float:
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*(ms|milli|мс|s|sec|second|сек)", text, re.IGNORECASE)
    if not m:
        raise ParseError(f"cannot read the time limit {text!r}")
    value = float(m.group(1).replace(",", "."))
    return value / 1000 if m.group(2).lower().startswith(("ms", "milli", "мс")) else value


def parse_memory_limit(text: str) -> int:
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*([a-zа-я]*)", text, re.IGNORECASE)
    if not m:
        raise ParseError(f"cannot read the memory limit {text!r}")
    value = float(m.group(1).replace(",", "."))
    unit = m.group(2).lower()
    if unit.startswith(("g", "гига", "гб")):
        value *= 1024
    elif unit.startswith(("k", "кило", "кб")):
        value /= 1024
    return max(1, round(value))


@dataclass
class _Sections:
    legend: list[str]
    input_spec: str = ""
    output_spec: str = ""
    interaction: str = ""
    notes: str = ""


def _parse_statement(st: Tag, pid: ProblemId, url: str, base_url: str) -> Problem:
    header = st.find("div", class_="header")
    if not isinstance(header, Tag):
        raise ParseError(f"{pid}: the problem has no header: the page is truncated or has an unknown layout")
    title = _title(st)
    name = _TITLE_PREFIX.sub("", title, count=1).strip() or title
    tl_text = _property(header, "time-limit")
    ml_text = _property(header, "memory-limit")
    if not tl_text or not ml_text:
        raise ParseError(f"{pid}: no time or memory limit in the header: the page looks truncated")
    input_file = _property(header, "input-file") or "standard input"
    output_file = _property(header, "output-file") or "standard output"

    page_url = url or base_url
    images: list[str] = []
    sections = _Sections(legend=[])
    samples: list[Sample] = []
    interaction_titled = False
    for child in st.find_all(recursive=False):
        if not isinstance(child, Tag):
            continue
        classes = _classes(child)
        if "header" in classes:
            continue
        title_node = child.find("div", class_="section-title", recursive=False)
        sec_title = " ".join(title_node.get_text(" ").split()) if isinstance(title_node, Tag) else ""
        if "sample-tests" in classes:
            samples = _samples(child, pid)
            continue
        body = _render_block(child, page_url, images, skip=title_node)
        if "input-specification" in classes:
            sections.input_spec = body
        elif "output-specification" in classes:
            sections.output_spec = body
        elif "note" in classes:
            sections.notes = body
        elif sec_title.lower() in _INTERACTION_TITLES:
            sections.interaction = body
            interaction_titled = True
        elif sec_title:
            sections.legend.append(f"{sec_title}\n\n{body}")
        else:
            sections.legend.append(body)
    statement = "\n\n".join(s for s in sections.legend if s)
    everything = "\n".join([statement, sections.input_spec, sections.output_spec, sections.interaction])
    interactive = interaction_titled or interactive_in(everything)
    # Where a statement says what to print: the Output section and the notes (the legend's "choose any
    # index" is about the task, not the answer). Pages without an Output section: look everywhere.
    # An interactive problem is judged by its interactor, never by comparing output: no checker question.
    where = "\n".join([sections.output_spec, sections.notes]) if sections.output_spec else everything
    several = not interactive and several_answers_in(where)
    return Problem(
        id=pid,
        name=name,
        time_limit_s=parse_time_limit(tl_text),
        memory_limit_mb=parse_memory_limit(ml_text),
        statement=statement,
        input_spec=sections.input_spec,
        output_spec=sections.output_spec,
        samples=tuple(samples),
        notes=sections.notes,
        interaction=sections.interaction,
        interactive=interactive,
        several_answers=several,
        images=tuple(dict.fromkeys(images)),
        input_file=input_file,
        output_file=output_file,
        url=url,
    )


# --- samples -------------------------------------------------------------------------------------------


def normalize_sample(text: str) -> str:
    """Sample text as a judge reads it: LF line ends, no trailing blanks, no blank lines at either end.

    Inner blank lines are kept (interactive exchanges line up with them); the result ends with one
    newline unless it is empty.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _pre_text(pre: Tag) -> str:
    lines = pre.find_all("div", class_="test-example-line")
    if lines:
        return "\n".join(line.get_text() for line in lines)
    parts: list[str] = []
    after_br = False
    for node in pre.descendants:
        if isinstance(node, NavigableString):
            text = str(node)
            if after_br and text.startswith(("\n", "\r\n")):
                text = text.split("\n", 1)[1]  # "<br />\n" is one line break, not two
            parts.append(text)
            after_br = False
        elif isinstance(node, Tag) and node.name == "br":
            parts.append("\n")
            after_br = True
    return "".join(parts)


def _samples(block: Tag, pid: ProblemId) -> list[Sample]:
    samples: list[Sample] = []
    pending: str | None = None
    for box in block.find_all("div", class_=["input", "output"]):
        classes = _classes(box)
        pre = box.find("pre")
        if not isinstance(pre, Tag):
            raise ParseError(f"{pid}: a sample has no <pre> block: the page looks truncated")
        text = normalize_sample(_pre_text(pre))
        if "input" in classes:
            if pending is not None:
                samples.append(Sample(pending, ""))
            pending = text
        else:
            if pending is None:
                raise ParseError(f"{pid}: a sample output comes before any sample input")
            samples.append(Sample(pending, text))
            pending = None
    if pending is not None:
        samples.append(Sample(pending, ""))
    return samples


# --- statement text --------------------------------------------------------------------------------------

_BLOCK = {"p", "div", "ul", "ol", "li", "center", "pre", "table", "tr", "h1", "h2", "h3", "h4", "blockquote"}
_BREAK = "\x00"  # paragraph marker, resolved in _cleanup


def _render_block(node: Tag, page_url: str, images: list[str], skip: Tag | None = None) -> str:
    out: list[str] = []
    _render(node, out, page_url, images, skip=skip, tex=False)
    return _cleanup("".join(out))


def _render(
    node: Tag, out: list[str], page_url: str, images: list[str], *, skip: Tag | None, tex: bool
) -> None:
    for child in node.children:
        if child is skip:
            continue
        if isinstance(child, NavigableString):
            if type(child) is not NavigableString:  # comments, CDATA, doctype
                continue
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        _render_tag(child, out, page_url, images, tex=tex)


def _render_tag(tag: Tag, out: list[str], page_url: str, images: list[str], *, tex: bool) -> None:
    name = tag.name
    classes = _classes(tag)
    if name in {"script", "style"} or "input-output-copier" in classes:
        return
    if name == "br":
        out.append("\n")
        return
    if name == "img":
        src = tag.get("src")
        if isinstance(src, str) and src:
            absolute = urljoin(page_url, src)
            images.append(absolute)
            out.append(f"![image]({absolute})")
        return
    if name == "pre":
        out.append(_BREAK + "```\n" + normalize_sample(_pre_text(tag)) + "```" + _BREAK)
        return
    inner: list[str] = []
    if "tex-span" in classes and not tex:
        _render(tag, inner, page_url, images, skip=None, tex=True)
        out.append("$" + "".join(inner).strip() + "$")
        return
    _render(tag, inner, page_url, images, skip=None, tex=tex)
    text = "".join(inner)
    if name == "sup" or "upper-index" in classes:
        out.append(_script("^", text, tex))
    elif name == "sub" or "lower-index" in classes:
        out.append(_script("_", text, tex))
    elif tex:
        out.append(text)  # <i> inside old TeX spans marks variables: TeX italicises them anyway
    elif "tex-font-style-tt" in classes or name in {"code", "tt", "kbd"}:
        out.append(f"`{text.strip()}`" if text.strip() else text)
    elif "tex-font-style-bf" in classes or name in {"b", "strong"}:
        out.append(f"**{text.strip()}**" if text.strip() else text)
    elif "tex-font-style-it" in classes or "tex-font-style-sl" in classes or name in {"em", "i"}:
        out.append(f"*{text.strip()}*" if text.strip() else text)
    elif name == "li":
        parent = tag.parent
        marker = "-"
        if isinstance(parent, Tag) and parent.name == "ol":
            marker = f"{1 + len(tag.find_previous_siblings('li'))}."
        out.append(f"\n{marker} {text.strip()}\n")
    elif name in {"td", "th"}:
        out.append(f" {text.strip()} |")
    elif name == "tr":
        out.append(f"\n|{text}\n")
    elif name in _BLOCK:
        out.append(_BREAK + text + _BREAK)
    else:
        out.append(text)


def _script(mark: str, text: str, tex: bool) -> str:
    body = text.strip()
    if not tex:
        return f"{mark}{{{body}}}"
    return f"{mark}{body}" if len(body) == 1 else f"{mark}{{{body}}}"


def _cleanup(text: str) -> str:
    # Codeforces writes inline TeX as $$$x$$$ and display TeX as $$$$$$x$$$$$$.
    text = re.sub(r"\${6}(.+?)\${6}", lambda m: f"$${m.group(1).strip()}$$", text, flags=re.DOTALL)
    text = re.sub(r"\${3}(.+?)\${3}", lambda m: f"${m.group(1).strip()}$", text, flags=re.DOTALL)
    text = text.replace("\xa0", " ")
    paragraphs: list[str] = []
    for para in text.split(_BREAK):
        if para.startswith("```"):
            paragraphs.append(para.strip("\n"))
            continue
        lines = [" ".join(line.split()) for line in para.split("\n")]
        block = "\n".join(line for line in lines if line)
        if block:
            paragraphs.append(block)
    return "\n\n".join(paragraphs)
