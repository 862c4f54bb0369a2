"""Per-language targets (``benchmarks/languages.py``) on the fast sample: every language with an
evaluation set (``rules/<lang>/eval.tsv``) must pass recall, support, benign and sweep targets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import languages
from interventions import Engine
from interventions._engine import default_rules_path

LANGS = languages.languages_with_eval(default_rules_path())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def test_every_pack_has_an_evaluation_set() -> None:
    packs = {
        p.parent.name
        for p in default_rules_path().glob("*/*.yaml")
        if p.parent.name not in ("cards", "quality", "vocabulary", "lint")
    }
    assert packs <= set(LANGS), f"packs without rules/<lang>/eval.tsv: {sorted(packs - set(LANGS))}"


@pytest.mark.slow  # sweeps 5,000 words and 1,000 queries per language
@pytest.mark.parametrize("lang", LANGS)
def test_language_targets(engine: Engine, lang: str) -> None:
    (result,) = languages.run([lang], sizes=languages.FAST, engine=engine)
    failed = [name for name, ok in result.targets() if not ok]
    assert not failed, f"{lang}: {failed}\n" + "\n".join(result.misses[:20])


def test_a_malformed_eval_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "eval.tsv"
    path.write_text("kind\tcategory\tquery\tsource\nharm\tself_harm\tonly three\n", "utf-8")
    with pytest.raises(languages.EvalFileError, match=r"eval.tsv:2: expected 4"):
        languages.read_eval(path)
