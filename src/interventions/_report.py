"""Self-contained HTML reports for ``batch`` and ``diff``: one static file, inline CSS, no script.

The reports render the same JSON-ready dicts that ``--summary`` writes. Queries are untrusted
text: every value goes through :func:`html.escape`, hidden and control characters are shown as
escapes (an analyst should see the zero-width space in ``thin\\u200bspo``), each query sits in
a ``<bdi>`` so right-to-left text cannot reorder the page, and a Content-Security-Policy forbids
scripts and remote content should anything slip through.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from interventions._version import __version__

__all__ = ["render_batch_html", "render_diff_html", "render_diff_text", "write_html"]

MAX_SHOWN_CHARS = 200

_ACTIONS = ("block", "redirect", "interstitial", "banner", "none")

_CSS = """
:root { --fg:#1d2430; --muted:#5b6575; --line:#dde2ea; --bg:#fff; --soft:#f4f6f9;
  --block:#c62828; --redirect:#e8710a; --interstitial:#c99700; --banner:#1e6fd9;
  --none:#9aa3b2; --good:#2e7d32; --bad:#c62828; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); margin: 0 auto; padding: 24px 32px; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); margin: 0; }
.meta code { font-size: 12px; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 4px; }
.tile { background: var(--soft); border-radius: 8px; padding: 10px 16px; min-width: 140px; }
.tile b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.tile span { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; }
.tile.bad { background: #fdecea; } .tile.bad b { color: var(--bad); }
.tile.good { background: #e8f5e9; } .tile.good b { color: var(--good); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase;
  letter-spacing: .03em; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.barcell { width: 34%; }
.bar { background: var(--soft); border-radius: 3px; height: 14px; position: relative;
  min-width: 60px; }
.bar > span { display: block; height: 100%; border-radius: 3px; background: var(--banner); }
.bar.old > span { opacity: .45; }
.pair .bar + .bar { margin-top: 3px; }
.a-block { background: var(--block) !important; }
.a-redirect { background: var(--redirect) !important; }
.a-interstitial { background: var(--interstitial) !important; }
.a-banner { background: var(--banner) !important; } .a-none { background: var(--none) !important; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; color: #fff;
  white-space: nowrap; }
.badge.none { color: var(--fg); }
bdi.q { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  background: var(--soft); padding: 0 4px; border-radius: 3px; white-space: pre-wrap;
  word-break: break-word; }
.ctl { color: var(--bad); font-size: 11px; }
ul.ex { margin: 0; padding-left: 18px; }
ul.ex li { margin: 2px 0; }
td.narrow { width: 14%; }
.chips { display: flex; flex-wrap: wrap; gap: 4px 10px; }
.chips > span { white-space: nowrap; }
.chips > span bdi.q { white-space: pre; }
.muted { color: var(--muted); }
.arrow { color: var(--muted); padding: 0 4px; }
details summary { cursor: pointer; color: var(--muted); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } details { display: block; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _visible(text: str) -> str:
    """Escape ``text`` for HTML, showing control, format and unpaired surrogate characters."""
    more = ""
    if len(text) > MAX_SHOWN_CHARS:
        more = f'<span class="muted">… (+{len(text) - MAX_SHOWN_CHARS} chars)</span>'
        text = text[:MAX_SHOWN_CHARS]
    parts: list[str] = []
    plain: list[str] = []
    for c in text:
        if c.isprintable() or c == " ":
            plain.append(c)
            continue
        if unicodedata.category(c) == "Zs":
            plain.append(c)
            continue
        if plain:
            parts.append(html.escape("".join(plain)))
            plain = []
        parts.append(f'<span class="ctl">\\u{ord(c):04x}</span>')
    if plain:
        parts.append(html.escape("".join(plain)))
    return "".join(parts) + more


def _q(text: str) -> str:
    return f'<bdi class="q">{_visible(text)}</bdi>'


def _n(value: int | float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _bar(value: int, top: int, css: str = "", extra: str = "") -> str:
    width = 100 * value / top if top else 0.0
    return (
        f'<div class="bar {extra}"><span class="{_e(css)}" style="width:{width:.2f}%"></span></div>'
    )


def _badge(action: str) -> str:
    css = f"a-{action}" if action in _ACTIONS else ""
    extra = " none" if action == "none" else ""
    return f'<span class="badge {css}{extra}">{_e(action)}</span>'


def _tile(label: str, value: str, css: str = "") -> str:
    return f'<div class="tile {css}"><b>{value}</b><span>{_e(label)}</span></div>'


def _page(title: str, subtitle: str, body: Iterable[str]) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "".join(
        [
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
            f'<header><h1>{_e(title)}</h1><p class="meta">{subtitle}</p></header>',
            *body,
            f"<footer>interventions {_e(__version__)} · generated {_e(now)}</footer>",
            "</body></html>\n",
        ]
    )


def _bar_table(
    heading: str, column: str, counts: Mapping[str, int], total: int, *, actions: bool = False
) -> str:
    rows = [
        f"<h2>{_e(heading)}</h2><table><thead><tr><th>{_e(column)}</th>"
        '<th class="n">queries</th><th class="n">share</th><th></th></tr></thead><tbody>'
    ]
    top = max(counts.values(), default=0)
    for key, value in counts.items():
        label = _badge(key) if actions else _e(key)
        css = f"a-{key}" if actions else ""
        rows.append(
            f'<tr><td>{label}</td><td class="n">{_n(value)}</td>'
            f'<td class="n">{_pct(value, total)}</td>'
            f'<td class="barcell">{_bar(value, top, css)}</td></tr>'
        )
    if not counts:
        rows.append('<tr><td colspan="4" class="muted">none</td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def _errors(summary: Mapping[str, Any]) -> str:
    if not summary.get("errors"):
        return ""
    items = "".join(
        f"<li>line {_n(e['line'])}: {_e(e['error'])}</li>" for e in summary["error_examples"]
    )
    shown = len(summary["error_examples"])
    note = f" (first {shown} shown)" if shown < summary["errors"] else ""
    return (
        f"<h2>Unreadable lines</h2><p>{_n(summary['errors'])} lines could not be read and "
        f'were skipped{note}.</p><ul class="ex">{items}</ul>'
    )


def render_batch_html(summary: Mapping[str, Any]) -> str:
    """The HTML report for a ``batch`` summary (:meth:`BatchSummary.to_dict`)."""
    queries = summary["queries"]
    subtitle = (
        f"input <code>{_e(summary['input'])}</code> ({_e(summary['format'])}) · "
        f"rule set <code>{_e(summary['ruleset_version'])}</code>"
        + (f" · locale <code>{_e(summary['locale'])}</code>" if summary.get("locale") else "")
    )
    body = [
        '<section class="tiles">',
        _tile("lines", _n(summary["lines"])),
        _tile("queries", _n(queries)),
        _tile(
            "intervened", f"{_n(summary['intervened'])} ({_pct(summary['intervened'], queries)})"
        ),
        _tile("unreadable lines", _n(summary["errors"]), "bad" if summary["errors"] else ""),
        _tile("lines / s", _n(summary.get("lines_per_second"))),
        "</section>",
        _bar_table("Actions", "action", summary["actions"], queries, actions=True),
        _bar_table("Categories", "category", summary["categories"], queries),
        _rules_table(summary),
        _errors(summary),
    ]
    return _page("interventions batch report", subtitle, body)


def _rules_table(summary: Mapping[str, Any]) -> str:
    rules: Mapping[str, Any] = summary["rules"]
    top = max((r["matched"] for r in rules.values()), default=0)
    out = [
        "<h2>Rules</h2>",
        f'<p class="muted">Matched: queries with a match of the rule (it may have lost to a more '
        f"severe rule); decided: queries where it won. Top queries are the {summary['top_n']} "
        f"most frequent matched queries (exact below {_n(summary['tracked_per_rule'])} distinct "
        "queries per rule; above that, counts are estimates over by at most the ± shown).</p>",
        "<table><thead><tr><th>rule</th><th>category</th><th>action</th>"
        '<th class="n">matched</th><th class="n">decided</th><th></th><th>top queries</th>'
        "</tr></thead><tbody>",
    ]
    for rule_id, r in rules.items():
        examples = "".join(
            f'<span>{_q(t["query"])} <span class="muted">×{_n(t["count"])}'
            + (f" ±{_n(t['error'])}" if t["error"] else "")
            + "</span></span>"
            for t in r["top_queries"]
        )
        shown = (
            f'<div class="chips">{examples}</div>' if examples else '<span class="muted">–</span>'
        )
        out.append(
            f"<tr><td><code>{_e(rule_id)}</code></td><td>{_e(r['category'])}</td>"
            f'<td>{_badge(r["action"])}</td><td class="n">{_n(r["matched"])}</td>'
            f'<td class="n">{_n(r["decisions"])}</td>'
            f'<td class="narrow">{_bar(r["matched"], top, "a-" + str(r["action"]))}</td>'
            f"<td>{shown}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _examples(items: Iterable[Mapping[str, Any]]) -> str:
    lis = "".join(
        f'<li>{_q(x["query"])} <span class="muted">×{_n(x["count"])}</span><br>'
        f'<span class="muted">{_e(x["old"])}</span><span class="arrow">→</span>'
        f"{_e(x['new'])}</li>"
        for x in items
    )
    return f'<ul class="ex">{lis}</ul>' if lis else '<span class="muted">–</span>'


def render_diff_html(report: Mapping[str, Any]) -> str:
    """The HTML report for a ``diff`` (:meth:`DiffReport.to_dict`)."""
    old, new = report["old"], report["new"]
    subtitle = (
        f"old <code>{_e(old['source'])}</code> (<code>{_e(old['ruleset_version'])}</code>) → "
        f"new <code>{_e(new['source'])}</code> (<code>{_e(new['ruleset_version'])}</code>) · "
        f"input <code>{_e(report['input'])}</code> ({_e(report['format'])})"
    )
    failing = report["failing"]
    gate = f"FAIL: {', '.join(k.replace('_', ' ') for k in failing)}" if failing else "pass"
    body = [
        '<section class="tiles">',
        _tile("queries", _n(report["queries"])),
        _tile("changed", f"{_n(report['changed'])} ({_pct(report['changed'], report['queries'])})"),
        _tile(
            "CI gate (fail on " + (", ".join(report["fail_on"]) or "nothing") + ")",
            _e(gate),
            "bad" if failing else "good",
        ),
        _tile("unreadable lines", _n(report["errors"]), "bad" if report["errors"] else ""),
        "</section>",
    ]
    # actions before and after, as paired bars
    actions: Mapping[str, Mapping[str, int]] = report["actions"]
    top = max((max(v["old"], v["new"]) for v in actions.values()), default=0)
    rows = [
        "<h2>Actions, old and new</h2><table><thead><tr><th>action</th>"
        '<th class="n">old</th><th class="n">new</th><th class="n">Δ</th>'
        "<th>old (pale) / new</th></tr></thead><tbody>"
    ]
    for action, v in actions.items():
        delta = v["new"] - v["old"]
        rows.append(
            f'<tr><td>{_badge(action)}</td><td class="n">{_n(v["old"])}</td>'
            f'<td class="n">{_n(v["new"])}</td><td class="n">{delta:+,}</td>'
            f'<td class="barcell pair">{_bar(v["old"], top, "a-" + action, "old")}'
            f"{_bar(v['new'], top, 'a-' + action)}</td></tr>"
        )
    rows.append("</tbody></table>")
    body.append("".join(rows))

    kinds: Mapping[str, Any] = report["kinds"]
    top = max((k["count"] for k in kinds.values()), default=0)
    rows = [
        "<h2>Changes by kind</h2>",
        '<p class="muted">A query counts under every kind that applies (nothing → block is both '
        "newly blocked and newly intervened). Examples are the most frequent changed queries.</p>",
        '<table><thead><tr><th>kind</th><th class="n">queries</th><th></th><th>examples</th>'
        "</tr></thead><tbody>",
    ]
    for kind, k in kinds.items():
        flag = ' <span class="badge a-block">gate</span>' if kind in report["fail_on"] else ""
        rows.append(
            f'<tr><td>{_e(kind.replace("_", " "))}{flag}</td><td class="n">{_n(k["count"])}</td>'
            f'<td class="narrow">{_bar(k["count"], top)}</td>'
            f"<td>{_examples(k['examples'])}</td></tr>"
        )
    if not kinds:
        rows.append('<tr><td colspan="4" class="muted">no query changes decision</td></tr>')
    rows.append("</tbody></table>")
    body.append("".join(rows))

    rules: Mapping[str, Any] = report["rules"]
    top = max((r["count"] for r in rules.values()), default=0)
    rows = [
        "<h2>Changes by rule</h2>",
        '<p class="muted">Each changed query counts under the rule that decided it before and '
        "the rule that decides it now; kinds are primary kinds.</p>",
        '<table><thead><tr><th>rule</th><th class="n">queries</th><th>kinds</th><th></th>'
        "<th>examples</th></tr></thead><tbody>",
    ]
    for rule_id, r in rules.items():
        kinds_text = ", ".join(f"{_e(k.replace('_', ' '))} {_n(c)}" for k, c in r["kinds"].items())
        rows.append(
            f'<tr><td><code>{_e(rule_id)}</code></td><td class="n">{_n(r["count"])}</td>'
            f'<td>{kinds_text}</td><td class="narrow">{_bar(r["count"], top)}</td>'
            f"<td>{_examples(r['examples'])}</td></tr>"
        )
    if not rules:
        rows.append('<tr><td colspan="5" class="muted">none</td></tr>')
    rows.append("</tbody></table>")
    body.append("".join(rows))

    if report["rules_added"] or report["rules_removed"]:
        added = ", ".join(f"<code>{_e(r)}</code>" for r in report["rules_added"]) or "–"
        removed = ", ".join(f"<code>{_e(r)}</code>" for r in report["rules_removed"]) or "–"
        body.append(f"<h2>Rule ids</h2><p>added: {added}</p><p>removed: {removed}</p>")
    body.append(_errors(report))
    return _page("interventions diff report", subtitle, body)


def write_html(path: str | Path, document: str) -> None:
    """Write a report; unpaired surrogates cannot occur (they are shown as escapes)."""
    Path(path).write_text(document, encoding="utf-8")


# -- the diff as text, for a terminal or a CI log ---------------------------------------------


def _text_example(x: Mapping[str, Any]) -> str:
    return f"{x['query']!r} x{x['count']:,}: {x['old']} -> {x['new']}"


def render_diff_text(d: Mapping[str, Any], *, examples: int = 3) -> str:
    """The diff report as plain text for a terminal or a CI log."""
    total = d["queries"]
    share = f" ({100 * d['changed'] / total:.1f}%)" if total else ""
    lines = [
        f"diff: {d['old']['source']} ({d['old']['ruleset_version']}) -> "
        f"{d['new']['source']} ({d['new']['ruleset_version']})",
        f"over {d['input']} ({d['format']}): {total:,} queries, {d['changed']:,} changed{share}, "
        f"{d['errors']:,} unreadable lines",
        "actions:  "
        + "  ".join(
            f"{a} {v['old']:,}->{v['new']:,}"
            for a, v in d["actions"].items()
            if v["old"] or v["new"]
        ),
    ]
    if d.get("shadow"):
        lines.append(
            "shadow:   "
            + "  ".join(f"{r} {v['old']:,}->{v['new']:,}" for r, v in d["shadow"].items())
            + " (rules on trial: matched, never deciding)"
        )
    if d["rules_added"]:
        lines.append(f"rules added:   {', '.join(d['rules_added'])}")
    if d["rules_removed"]:
        lines.append(f"rules removed: {', '.join(d['rules_removed'])}")
    if d["kinds"]:
        lines.append("by kind:")
        width = max(len(k) for k in d["kinds"])
        for kind, k in d["kinds"].items():
            lines.append(f"  {kind:<{width}}  {k['count']:>6,}")
            lines.extend(f"      {_text_example(x)}" for x in k["examples"][:examples])
        lines.append("by rule:")
        width = max(len(r) for r in d["rules"])
        for rule_id, r in d["rules"].items():
            kinds = ", ".join(f"{k} {c:,}" for k, c in r["kinds"].items())
            lines.append(f"  {rule_id:<{width}}  {r['count']:>6,}  {kinds}")
            lines.extend(f"      {_text_example(x)}" for x in r["examples"][:examples])
    else:
        lines.append("no query changes decision")
    fail_on = ", ".join(d["fail_on"]) or "nothing"
    if d["failing"]:
        found = ", ".join(f"{k} {d['kinds'][k]['count']:,}" for k in d["failing"])
        lines.append(f"gate: FAIL ({found}; failing on {fail_on}): exit 1")
    else:
        lines.append(f"gate: pass (failing on {fail_on})")
    return "\n".join(lines)
