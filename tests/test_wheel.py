"""The shipped rules are inside the wheel, so ``Engine.default()`` works after ``pip install``."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_built_wheel_carries_the_rules(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("interventions-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(site)
    assert "interventions/_rules/cards/ed_support.yaml" in names
    assert "interventions/py.typed" in names
    code = (
        "import interventions, sys;"
        "from interventions import Engine;"
        "d = Engine.default().check('#thinspo', locale='sv-SE');"
        "print(interventions.__file__);"
        "print(d.category)"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    assert out[0].startswith(str(site))  # the wheel's copy, not the source checkout
    assert out[1] == "eating_disorder"
