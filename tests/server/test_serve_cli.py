"""`interventions serve` as a process: SIGHUP reloads, a broken rule set keeps the old one
serving, logs are JSON lines without queries, SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXTRA, break_rules, change_rules

pytest.importorskip("uvicorn", reason=EXTRA)
pytest.importorskip("starlette", reason=EXTRA)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is POSIX")

PATIENCE = 60.0
"""How long to wait for the process to do something: a bound against hanging, not a speed
claim (a busy 2-core machine may take seconds)."""


class Server:
    def __init__(self, rules: Path) -> None:
        command = ["serve", str(rules), "--port=0", "--access-log"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "interventions", *command],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for(lambda: any("running on" in line for line in self.lines))
        line = next(line for line in self.lines if "running on" in line)
        self.url = json.loads(line)["event"].split("running on ")[1].split()[0]

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, done: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            value = done()
            if value:
                return value
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {self.lines}")
            time.sleep(0.05)
        raise AssertionError(f"gave up waiting: {self.lines}")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=PATIENCE) as r:
            return json.load(r)

    def check(self, query: str) -> Any:
        req = urllib.request.Request(
            self.url + "/v1/check",
            data=json.dumps({"query": query}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=PATIENCE) as r:
            return json.load(r)

    def reloaded(self, after: str) -> Callable[[], Any]:
        def done() -> Any:
            last = self.get("/readyz")["last_reload"]
            return last if last["trigger"] == "sighup" and last["at"] >= after else None

        return done


@pytest.fixture
def server(rules: Path) -> Iterator[Server]:
    s = Server(rules)
    try:
        yield s
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
        s.proc.wait(PATIENCE)


def test_sighup_reloads_and_a_broken_rule_set_is_refused(server: Server, rules: Path) -> None:
    secret = "proana my-secret-name"
    assert server.check(secret)["action"] == "block"
    before = server.get("/readyz")["ruleset_version"]

    break_rules(rules)
    since = server.get("/readyz")["last_reload"]["at"]
    server.proc.send_signal(signal.SIGHUP)
    last = server.wait_for(server.reloaded(since))
    assert last["ok"] is False and "t.block" in last["error"]
    assert server.get("/readyz")["ruleset_version"] == before
    assert server.check(secret)["action"] == "block"

    harm = rules / "harm.yaml"
    harm.write_text(harm.read_text().removesuffix("\n  - id: t.block\n"), encoding="utf-8")
    change_rules(rules)
    server.proc.send_signal(signal.SIGHUP)
    server.wait_for(lambda: server.get("/readyz")["last_reload"]["ok"])
    assert server.get("/readyz")["ruleset_version"] != before
    assert server.check(secret)["action"] == "redirect"

    server.proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught (so -SIGTERM, or 0)
    assert server.proc.wait(PATIENCE) in (0, -signal.SIGTERM)
    server._reader.join(PATIENCE)
    assert any("Finished server process" in line for line in server.lines)
    events = [json.loads(line) for line in server.lines]  # every line is a JSON object
    assert {"ts", "level", "logger", "event"} <= set(events[0])
    assert any(e["event"] == "reload failed; the rule set before it keeps serving" for e in events)
    assert any(e["event"] == "request" and e.get("decisions") for e in events)
    assert not any("secret" in line for line in server.lines)
