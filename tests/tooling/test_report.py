"""``--html REPORT``: one self-contained static file in which every query is inert text."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from interventions import load_rules
from interventions._batch import run_batch
from interventions._diff import diff_rules
from interventions._report import render_batch_html, render_diff_html

from ._batch_helpers import SAMPLE, SHIPPED, rules_copy, run_cli

HOSTILE = [
    "<script>alert(1)</script> #thinspo",
    '"><img src=x onerror=alert(1)> pro ana tips',
    "</style><script>alert(2)</script>",
    "thin\u200bspo \u202eevil\u202c",
    "<!-- comment --> & &amp; banana",
]

_VOID = {"meta", "br", "img", "hr", "input", "link"}


class _Checker(HTMLParser):
    """Collects tags, attributes and text; checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check(document: str) -> _Checker:
    checker = _Checker()
    checker.feed(document)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert "script" not in checker.tags
    assert "img" not in checker.tags and "link" not in checker.tags
    for name, value in checker.attrs:
        assert not name.startswith("on"), name
        assert name not in ("src", "href"), (name, value)
    assert "Content-Security-Policy" in document
    assert not re.search(
        r"https?://", document.split("</style>", maxsplit=1)[0]
    )  # no remote assets
    return checker


def _hostile_log() -> list[bytes]:
    return [q.encode() + b"\n" for q in HOSTILE]


def test_batch_report_escapes_hostile_queries() -> None:
    summary = run_batch(_hostile_log(), out=io.BytesIO())
    document = render_batch_html(summary.to_dict())
    checker = _check(document)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    text = "".join(checker.text)
    assert "<script>alert(1)</script> #thinspo" in text  # shown, as text
    assert "\\u200b" in text and "\\u202e" in text  # hidden characters made visible
    assert "\u202e" not in document


def test_diff_report_escapes_hostile_queries(tmp_path: Path) -> None:
    new_rules = rules_copy(tmp_path)
    for path in new_rules.glob("*.yaml"):
        # every action becomes block, so that each hostile query that intervenes changes
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"action: (redirect|interstitial|banner)", "action: block", text)
        text = text.replace("intent: support", "intent: harm")  # a support rule only banners
        path.write_text(text, encoding="utf-8")
    report = diff_rules(load_rules(SHIPPED), load_rules(new_rules), _hostile_log())
    data = report.to_dict()
    data["old"]["source"] = "<b>old</b>"
    document = render_diff_html(data)
    checker = _check(document)
    assert "&lt;b&gt;old&lt;/b&gt;" in document
    assert report.changed > 0
    assert "newly blocked" in "".join(checker.text)


def test_batch_html_option_writes_a_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    code, _, _ = run_cli(capsys, "batch", str(SAMPLE), "--html", str(report), "-o", "/dev/null")
    assert code == 0
    document = report.read_text(encoding="utf-8")
    checker = _check(document)
    text = " ".join(checker.text)
    for heading in ("Actions", "Categories", "Rules"):
        assert heading in text
    assert "width:" in document  # the bars


def test_diff_html_option_writes_a_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "diff.html"
    code, _, _ = run_cli(
        capsys, "diff", str(SHIPPED), str(SHIPPED), "--queries", str(SAMPLE), "--html", str(report)
    )
    assert code == 0
    checker = _check(report.read_text(encoding="utf-8"))
    assert "no query changes decision" in " ".join(checker.text)


def test_unwritable_report_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(
        capsys, "batch", str(SAMPLE), "-o", "/dev/null", "--html", str(tmp_path / "no" / "r.html")
    )
    assert code == 2 and "cannot write" in err
