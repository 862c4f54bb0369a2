"""The look-alike tables come from Unicode's confusables data, never typed by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from interventions._confusables import LATIN_TO_CYRILLIC, MIXED_SCRIPT
from interventions._normalize import normalize

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_table_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_confusables.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_tables_map_between_latin_and_cyrillic() -> None:
    assert MIXED_SCRIPT["а"] == "a"  # Cyrillic a
    assert LATIN_TO_CYRILLIC["o"] == "о"
    assert all(v.isascii() for v in MIXED_SCRIPT.values())
    assert all(not v.isascii() for v in LATIN_TO_CYRILLIC.values())


def test_look_alikes_go_to_the_script_of_the_word() -> None:
    assert [t.text for t in normalize("thinѕро").tokens] == ["thinspo"]  # Latin word
    assert [t.text for t in normalize("прoана").tokens] == ["проана"]  # Cyrillic word
    assert [t.text for t in normalize("αոоrехια").tokens] == ["anorexia"]  # all look-alikes
