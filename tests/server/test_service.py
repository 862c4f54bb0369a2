"""The HTTP service in process: endpoints, refusals, reload that keeps a working rule set, metrics
and logs that leave queries out."""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import EXTRA, MINI_RULES, break_rules, change_rules

pytest.importorskip("starlette", reason=EXTRA)
pytest.importorskip("prometheus_client", reason=EXTRA)
pytest.importorskip("httpx", reason=EXTRA)

with warnings.catch_warnings():  # starlette 1.x would rather have httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from interventions import Engine
from interventions._openapi import MAX_BATCH, MAX_BODY
from interventions._server import JsonFormatter
from interventions.server import create_app

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(MINI_RULES)) as c:
        yield c


def test_check_answers_what_the_engine_decides(client: TestClient, mini: Engine) -> None:
    body = {"query": "proana", "locale": "sv-SE", "at": "2026-11-30T18:00:00+01:00"}
    r = client.post("/v1/check", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == mini.check("proana", locale="sv-SE").to_dict()
    assert client.post("/v1/check", json={"query": "banana bread"}).json()["action"] == "none"


def test_batch_answers_in_order(client: TestClient, mini: Engine) -> None:
    queries = ["proana", "banana bread", "th1nsp0", ""]
    r = client.post(
        "/v1/check/batch",
        json={"queries": [{"query": q, "locale": "pl-PL", "at": "2026-11-30"} for q in queries]},
    )
    assert r.status_code == 200
    assert r.json()["decisions"] == [d.to_dict() for d in mini.check_many(queries, locale="pl-PL")]


def test_any_string_gets_a_decision(client: TestClient) -> None:
    for query in ["\ud800", "x" * 100_000, "\u202e#thinspo", ""]:
        r = client.post("/v1/check", content=json.dumps({"query": query}).encode())
        assert r.status_code == 200, query[:10]
        assert r.json()["action"] in {"none", "block", "redirect", "interstitial", "banner"}


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"{", 400, "not JSON"),
        (b"[]", 422, "a JSON object"),
        (b'{"query": 1}', 422, "body.query"),
        (b'{"query": "x", "locale": 5}', 422, "body.locale"),
        (b'{"query": "x", "at": "2026-11-31"}', 422, "body.at"),
        (b'{"query": "x", "at": "2026-11-30T10:00:00"}', 422, "body.at"),  # no offset
        (b'{"query": "x", "extra": 1}', 422, "unknown field 'extra'"),
    ],
)
def test_refusals_say_why(client: TestClient, body: bytes, status: int, says: str) -> None:
    r = client.post("/v1/check", content=body)
    assert r.status_code == status
    assert says in r.json()["error"]


def test_limits(client: TestClient) -> None:
    big = b'{"query": "' + b"a" * MAX_BODY + b'"}'
    assert client.post("/v1/check", content=big).status_code == 413
    many = {"queries": [{"query": "x"}] * (MAX_BATCH + 1)}
    assert client.post("/v1/check/batch", json=many).status_code == 422
    bad_item = {"queries": [{"query": "x"}, {"query": None}]}
    r = client.post("/v1/check/batch", json=bad_item)
    assert r.status_code == 422
    assert r.json()["error"] == "body.queries[1].query: a string is required"


def test_health_readiness_and_schema(client: TestClient, mini: Engine) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["ruleset_version"] == mini.version
    assert ready["last_reload"]["ok"] is True
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/v1/admin/reload" not in doc["paths"]  # no admin token, no admin endpoint
    assert client.post("/v1/admin/reload").status_code == 404


def test_metrics_count_decisions_and_requests(rules: Path) -> None:
    with TestClient(create_app(rules)) as c:
        for q in ["proana", "proana", "banana bread"]:
            c.post("/v1/check", json={"query": q})
        c.post("/v1/check/batch", json={"queries": [{"query": "proana"}]})
        text = c.get("/metrics").text
    assert (
        'interventions_decisions_total{action="block",category="eating_disorder",'
        'intent="",rule="t.block"} 3.0' in text
    )
    assert 'interventions_decisions_total{action="none",category="",intent="",rule=""} 1.0' in text
    assert 'interventions_http_request_duration_seconds_count{endpoint="check"}' in text
    assert "process_resident_memory_bytes" in text


def test_a_broken_rule_set_keeps_the_old_one_serving(rules: Path) -> None:
    app = create_app(rules, admin_token="s3cret")
    auth = {"authorization": "Bearer s3cret"}
    with TestClient(app) as c:
        before = c.get("/readyz").json()["ruleset_version"]
        assert c.post("/v1/admin/reload").status_code == 401
        wrong = {"authorization": "Bearer nope"}
        assert c.post("/v1/admin/reload", headers=wrong).status_code == 401

        break_rules(rules)
        r = c.post("/v1/admin/reload", headers=auth)
        assert r.status_code == 422
        assert "t.block" in r.json()["error"]
        ready = c.get("/readyz").json()
        assert ready["ruleset_version"] == before
        assert ready["last_reload"]["ok"] is False
        assert "t.block" in ready["last_reload"]["error"]
        assert c.post("/v1/check", json={"query": "proana"}).json()["action"] == "block"

        change_rules(rules)
        mended = rules / "harm.yaml"
        mended.write_text(mended.read_text().removesuffix("\n  - id: t.block\n"), encoding="utf-8")
        r = c.post("/v1/admin/reload", headers=auth)
        assert r.status_code == 200
        ready = c.get("/readyz").json()
        assert ready["ruleset_version"] != before
        assert ready["last_reload"] | {"at": None} == {
            "ok": True,
            "at": None,
            "trigger": "admin",
            "error": None,
            "ruleset_version": ready["ruleset_version"],
        }
        assert c.post("/v1/check", json={"query": "proana"}).json()["action"] == "redirect"
        assert 'interventions_reloads_total{result="error"}' in c.get("/metrics").text


def test_shadow_disagreements_in_metrics(rules: Path, tmp_path: Path) -> None:
    change_rules(rules)  # the candidate redirects what the live rules block
    with TestClient(create_app(MINI_RULES, candidate=rules)) as c:
        assert c.post("/v1/check", json={"query": "proana"}).json()["action"] == "block"
        ready = c.get("/readyz").json()
        text = c.get("/metrics").text
    v = ready["candidate_version"]
    assert v and v != ready["ruleset_version"]
    assert f'interventions_shadow_changes_total{{candidate="{v}",kind="de_escalated"}} 1.0' in text


def test_access_log_is_json_and_has_no_query(rules: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = "proana my-secret-name"
    app = create_app(rules, access_log=True)
    with caplog.at_level(logging.INFO, logger="interventions"), TestClient(app) as c:
        c.post("/v1/check", json={"query": secret})
        c.post("/v1/check/batch", json={"queries": [{"query": secret}]})
    lines = [JsonFormatter().format(r) for r in caplog.records]
    requests = [json.loads(line) for line in lines if '"event": "request"' in line]
    assert [r["path"] for r in requests] == ["/v1/check", "/v1/check/batch"]
    assert requests[0]["decisions"] == [
        {"action": "block", "rule_id": "t.block", "query_chars": len(secret)}
    ]
    assert not any("secret" in line for line in lines)
    caplog.clear()
    app = create_app(rules, access_log=True, log_queries=True)
    with caplog.at_level(logging.INFO, logger="interventions"), TestClient(app) as c:
        c.post("/v1/check", json={"query": secret})
    assert any("my-secret-name" in JsonFormatter().format(r) for r in caplog.records)


def test_watch_reloads_when_the_files_change(rules: Path) -> None:
    import time

    with TestClient(create_app(rules, watch=0.05)) as c:
        before = c.get("/readyz").json()["ruleset_version"]
        change_rules(rules)
        deadline = time.monotonic() + 60  # a bound against hanging, not a speed claim
        while c.get("/readyz").json()["last_reload"]["trigger"] != "watch":
            assert time.monotonic() < deadline, "the change was never seen"
            time.sleep(0.05)
        ready = c.get("/readyz").json()
        assert ready["ruleset_version"] != before
        assert c.post("/v1/check", json={"query": "proana"}).json()["action"] == "redirect"
