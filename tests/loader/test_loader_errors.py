"""Every mistake in a rule or card file is a RuleFileError naming the file, line and rule id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interventions import RuleFileError, load_rules

from ..conftest import MINI_RULES

RULE = """\
category: eating_disorder
card: support
rules:
  - id: x.first
    action: redirect
    terms: [thinspo]
    examples:
      match: [thinspo]
{extra}"""


def rules_dir(tmp_path: Path, body: str, *, file: str = "harm.yaml") -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINI_RULES / "cards", root / "cards")
    (root / file).write_text(body, encoding="utf-8")
    return root


def load_error(tmp_path: Path, body: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_rules(rules_dir(tmp_path, body))
    return info.value


def second_rule(**fields: str) -> str:
    lines = ["  - id: x.second"]
    base = {"action": "banner", "terms": "[anorexia]", "examples": "{match: [anorexia]}"}
    base.update(fields)
    lines += [f"    {k}: {v}" for k, v in base.items() if v != "DROP"]
    return RULE.format(extra="\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        ({"action": "nuke"}, 10, "action must be one of block, redirect, interstitial, banner"),
        ({"action": "5"}, 10, "action must be one of"),
        ({"priority": "high"}, 13, "priority must be a whole number"),
        ({"terms": "[]"}, 11, "terms must not be empty"),
        ({"terms": "thinspo"}, 11, "terms must be a list"),
        ({"terms": "['']"}, 11, "must not be empty"),
        ({"terms": "['🙂']"}, 11, "normalizes to nothing"),
        ({"terms": "['thi*']"}, 11, "shorter than 4 letters"),
        ({"terms": "[{substring: ana}]"}, 11, "shorter than 5 letters"),
        ({"terms": "[{word: bulimia, fuzzy: 2}]"}, 11, "fuzzy: 2 needs a term of at least 8"),
        ({"terms": "[{word: bulimia, fuzzy: 3}]"}, 11, "fuzzy is an edit distance of 1 or 2"),
        ({"terms": "[{phrase: pro ana, fuzzy: 1}]"}, 11, "fuzzy applies to word terms only"),
        ({"terms": "[{word: pro ana}]"}, 11, "a word term is one token"),
        ({"terms": "[{phrase: proana}]"}, 11, "a phrase needs at least two words"),
        ({"terms": "[{regex: '(unclosed'}]"}, 11, "does not compile"),
        ({"terms": "[{prefix: x, word: y}]"}, 11, "needs exactly one of"),
        ({"terms": "[{pattern: thinspo}]"}, 11, "unknown key 'pattern'"),
        ({"terms": "[anorexia, ANOREXIA]"}, 11, "repeats 'anorexia'"),
        ({"terms": "[ab*c]"}, 11, "'*' may only end a word"),
        ({"card": "nope"}, 9, "card 'nope' does not exist"),
        ({"examples": "{match: []}"}, 12, "examples.match must not be empty"),
        ({"examples": "DROP"}, 9, "missing the required key 'examples'"),
        ({"examples": "{match: [x], nomatch: [y]}"}, 12, "unknown key 'nomatch'"),
        ({"langauges": "[sv]"}, 13, "did you mean 'languages'"),
        ({"languages": "[swedish]"}, 13, "ISO 639 codes"),
        ({"unless_scope": "query"}, 13, "unless_scope without unless terms"),
        ({"status": "retired"}, 13, "status must be one of"),
    ],
)
def test_rule_mistakes(tmp_path: Path, fields: dict[str, str], line: int, message: str) -> None:
    error = load_error(tmp_path, second_rule(**fields))
    assert message in str(error)
    assert error.line == line
    assert error.rule_id == "x.second"
    assert error.path.endswith("harm.yaml")
    assert str(error).startswith(f"{error.path}:{line}: rule x.second:")


def test_duplicate_key(tmp_path: Path) -> None:
    twice = "action: redirect\n    action: block\n"
    body = RULE.format(extra="").replace("action: redirect\n", twice)
    error = load_error(tmp_path, body)
    assert "duplicate key 'action' (first on line 5)" in str(error)
    assert error.line == 6


def test_duplicate_rule_id_across_files(tmp_path: Path) -> None:
    root = rules_dir(tmp_path, RULE.format(extra=""))
    (root / "other.yaml").write_text(RULE.format(extra=""), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert info.value.rule_id == "x.first"
    assert "duplicate rule id (first defined at" in str(info.value)
    assert info.value.path.endswith("other.yaml")


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, RULE.format(extra="  - id: [unclosed\n"))
    assert error.line == 10  # where the parser noticed...
    assert "flow sequence started on line 9" in str(error)  # ...and where the list began


def test_aliases_are_refused(tmp_path: Path) -> None:
    body = RULE.format(extra="").replace("terms: [thinspo]", "terms: &t [thinspo]\n    unless: *t")
    error = load_error(tmp_path, body)
    assert "anchors and aliases (&name, *name) are not allowed" in str(error)
    assert error.line == 7  # where the alias is used; the message names the anchor's line 6
    assert "anchor is on line 6" in str(error)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    body = RULE.format(extra="#" + "x" * (1 << 20) + "\n")
    assert "rule files are limited to" in str(load_error(tmp_path, body))


def test_not_utf8(tmp_path: Path) -> None:
    root = rules_dir(tmp_path, "")
    (root / "harm.yaml").write_bytes(b"category: \xff\n")
    with pytest.raises(RuleFileError, match="not valid UTF-8"):
        load_rules(root)


def test_top_level_mistakes(tmp_path: Path) -> None:
    assert "must be a mapping" in str(load_error(tmp_path / "a", "- just a list\n"))
    assert "missing the required key 'rules'" in str(load_error(tmp_path / "b", "category: x\n"))
    error = load_error(tmp_path / "c", "category: Bad-Name\nrules: []\n")
    assert "category 'Bad-Name'" in str(error)


def test_bad_rule_id(tmp_path: Path) -> None:
    error = load_error(tmp_path, RULE.format(extra="").replace("id: x.first", "id: X First"))
    assert "rule id 'X First' must match" in str(error)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="no rule files"):
        load_rules(tmp_path)
    with pytest.raises(RuleFileError, match="not a folder"):
        load_rules(tmp_path / "missing")


# -- cards --------------------------------------------------------------------------------------

CARD = """\
id: support
text:
  default: {title: Support, body: You are not alone.}
resources:
  default:
    - name: Find A Helpline
      url: https://findahelpline.com
      source: test
      verified: 2024-04-01
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: support", "id: other", "must equal the file name 'support'"),
        ("      url: https://findahelpline.com\n", "", "has no contact"),
        ("url: https://findahelpline.com", "url: findahelpline.com", "must start with https://"),
        ("url: https://findahelpline.com", "phone: 116123", 'write it in quotes: phone: "116123"'),
        ("verified: 2024-04-01", "verified: soon", "verified must be a date"),
        ("      source: test\n", "", "missing the required key 'source'"),
        ("  default: {title", "  pl: {title", "text needs a 'default' entry"),
        ("  default:\n    - name", "  Poland:\n    - name", "key 'Poland' is not 'default'"),
        ("{title: Support, body", "{title: Support, text", "unknown key 'text'"),
    ],
)
def test_card_mistakes(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = rules_dir(tmp_path, RULE.format(extra=""))
    assert old in CARD
    (root / "cards" / "support.yaml").write_text(CARD.replace(old, new), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert message in str(info.value)
    assert info.value.path.endswith("support.yaml")
    assert info.value.line is not None


def test_the_mini_rules_load() -> None:
    ruleset = load_rules(MINI_RULES)
    assert {r.id for r in ruleset.rules} >= {"t.block", "t.redirect", "v.help"}
    assert len(ruleset.version) == 16


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    a = load_rules(rules_dir(tmp_path / "a", RULE.format(extra="")))
    b = load_rules(rules_dir(tmp_path / "b", RULE.format(extra="")))
    changed = RULE.format(extra="").replace("thinspo]", "thinspo, x1]")
    c = load_rules(rules_dir(tmp_path / "c", changed))
    assert a.version == b.version != c.version


def test_every_file_a_reader_takes_is_size_checked_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word list, a vocabulary or a case file past its limit is a clear error, and is never
    read whole (at most one byte past the limit)."""
    from interventions import _lint, _testing, _yaml
    from interventions._lint import LintConfigError, _vocabulary
    from interventions._testing import CaseFileError

    big = tmp_path / "big.tsv"
    big.write_text("query\n" + "word\n" * 1000, encoding="utf-8")
    with pytest.raises(_yaml.TooLargeError):
        _yaml.read_bounded(big, 100)
    monkeypatch.setattr(_vocabulary, "MAX_WORD_LIST_BYTES", 100)  # the module that reads it
    with pytest.raises(LintConfigError, match="100 bytes"):
        _lint.read_vocabulary(big)
    monkeypatch.setattr(_testing, "MAX_CASE_FILE_BYTES", 100)
    with pytest.raises(CaseFileError, match="100 bytes"):
        _testing.read_cases(big)
    # a vocabulary file of a rules folder has the rule files' limit
    root = rules_dir(tmp_path, RULE.format(extra=""))
    (root / "vocabulary").mkdir()
    (root / "vocabulary" / "words.txt").write_text("word\n" * (1 << 18), encoding="utf-8")
    with pytest.raises(RuleFileError, match="over"):
        load_rules(root)
