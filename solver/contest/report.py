"""Reports: one Report value rendered three ways — Markdown, a self-contained HTML page, and JSON.

The contest and batch code build a Report (summary, assumptions, tables, figures, every number in ``data``);
this module only renders and writes it. Every page and figure carries the provenance line: model name,
digest and release date, seed, time model, contest list and tool version, so a number quoted from it can be
reproduced and read against what the model may have seen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from solver.errors import StoreError
from solver.runstore import atomic_write


@dataclass(frozen=True)
class Provenance:
    model: str
    model_digest: str
    seed: int
    time_model: str
    contests: tuple[int, ...]
    tool_version: str
    judge_image: str = ""
    created_utc: str = ""
    model_date: str = ""  # the model's release day (YYYY-MM-DD), "" unknown: see solver.contest.contamination
    model_date_source: str = ""

    def caption(self) -> str:
        ids = _compress_ids(self.contests)
        released = f", released {self.model_date}" if self.model_date else ", release date unknown"
        return (
            f"model {self.model} (digest {self.model_digest or 'unknown'}{released}), seed {self.seed}, "
            f"time model {self.time_model}, contests {ids}, cp-solver {self.tool_version}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_digest": self.model_digest,
            "seed": self.seed,
            "time_model": self.time_model,
            "contests": list(self.contests),
            "tool_version": self.tool_version,
            "judge_image": self.judge_image,
            "created_utc": self.created_utc,
            "model_date": self.model_date or None,
            "model_date_source": self.model_date_source or None,
        }


def _compress_ids(ids: Sequence[int]) -> str:
    """1990,1991,1992,1995 -> "1990-1992, 1995" (keeps captions short for long batches)."""
    s = sorted(set(ids))
    if not s:
        return "none"
    runs: list[list[int]] = []
    for v in s:
        if runs and v == runs[-1][1] + 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    name: str  # file-name stem: "performance", "solve-rate"
    title: str
    svg: str


@dataclass(frozen=True)
class Report:
    title: str
    provenance: Provenance
    summary: tuple[tuple[str, str], ...]
    assumptions: tuple[str, ...]
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report, stem: str = "report") -> str:
    out = [f"# {report.title}", "", f"_{report.provenance.caption()}_", ""]
    for k, v in report.summary:
        out.append(f"- **{k}**: {v}")
    out.append("")
    if report.assumptions:
        out += ["## Assumptions", ""] + [f"- {a}" for a in report.assumptions] + [""]
    for t in report.tables:
        out += [f"## {t.title}", "", "| " + " | ".join(t.columns) + " |", "|" + "---|" * len(t.columns)]
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
        out.append("")
    for f in report.figures:
        out += [f"## {f.title}", "", f"![{f.title}]({stem}-{f.name}.svg)", ""]
    out += [f"Every number: `{stem}.json`. Page with figures: `{stem}.html`.", ""]
    return "\n".join(out)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}
.prov{color:#555;font-size:0.9em}figure{margin:1em 0}figcaption{color:#555;font-size:0.85em}
"""


def render_html(report: Report) -> str:
    prov = escape(report.provenance.caption())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="prov">{prov}</p>',
        "<ul>" + "".join(f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in report.summary) + "</ul>",
    ]
    if report.assumptions:
        parts.append("<h2>Assumptions</h2><ul>")
        parts += [f"<li>{escape(a)}</li>" for a in report.assumptions]
        parts.append("</ul>")
    for f in report.figures:
        parts.append(f"<h2>{escape(f.title)}</h2><figure>{f.svg}<figcaption>{prov}</figcaption></figure>")
    for t in report.tables:
        parts.append(f"<h2>{escape(t.title)}</h2><table><tr>")
        parts += [f"<th>{escape(c)}</th>" for c in t.columns]
        parts.append("</tr>")
        for row in t.rows:
            parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def report_json(report: Report) -> dict[str, Any]:
    return {
        "title": report.title,
        "provenance": report.provenance.to_json(),
        "summary": dict(report.summary),
        "assumptions": list(report.assumptions),
        **report.data,
    }


def _write(path: Path, text: str) -> None:
    """The run store's atomic write, with a failure told as one StoreError line."""
    try:
        atomic_write(path, text)
    except OSError as e:
        raise StoreError(f"cannot write {path}: {e.strerror or e}") from None


def write_report(report: Report, folder: Path, stem: str = "report") -> dict[str, Path]:
    """Write ``stem.md``, ``stem.html``, ``stem.json`` and one SVG per figure; return the paths by kind."""
    paths = {
        "markdown": folder / f"{stem}.md",
        "html": folder / f"{stem}.html",
        "json": folder / f"{stem}.json",
    }
    for f in report.figures:
        _write(folder / f"{stem}-{f.name}.svg", f.svg)
    _write(paths["markdown"], render_markdown(report, stem))
    _write(paths["html"], render_html(report))
    _write(paths["json"], json.dumps(report_json(report), indent=2, sort_keys=False) + "\n")
    return paths
