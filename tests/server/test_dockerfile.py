"""The Dockerfile cannot be built here without a Docker engine (`make docker-smoke` builds and
checks it where one runs); this holds what it refers to: the files it copies, the command it
runs (a valid `interventions serve` command line), the port and the health check's path."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from interventions._cli import build_parser
from interventions._openapi import openapi

ROOT = Path(__file__).parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_what_it_copies_exists() -> None:
    for word, rest in instructions():
        if word == "COPY" and not rest.startswith("--from"):
            *sources, _ = shlex.split(rest)
            for source in sources:
                assert (ROOT / source).exists(), source


def test_it_runs_a_valid_serve_command_on_the_port_it_exposes() -> None:
    steps = dict(instructions())
    command = json.loads(steps["ENTRYPOINT"]) + json.loads(steps["CMD"])
    assert command[0] == "interventions"
    args = build_parser().parse_args(command[1:])
    assert args.command == "serve"
    assert args.host == "0.0.0.0"
    assert str(args.port) == steps["EXPOSE"]
    # the compiled rule set it serves is the one it compiles
    assert any(word == "RUN" and f"-o {args.rules}" in rest for word, rest in instructions())


def test_its_health_check_asks_a_documented_path() -> None:
    steps = dict(instructions())
    assert "/readyz" in steps["HEALTHCHECK"]
    assert "/readyz" in openapi(version="0", admin=False)["paths"]
    assert "USER" in steps  # not root
