"""An engine travels as its compiled artefact's bytes: pickling, ``from_bytes`` and workers."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from interventions import ArtifactError, Engine
from interventions._artifact import FORMAT_VERSION, write_artifact

SAMPLE = Path(__file__).parents[2] / "benchmarks" / "data" / "sample_queries.txt"
QUERIES = [q for q in SAMPLE.read_text(encoding="utf-8").splitlines() if q.strip()]
LOCALES = [None, "pl-PL", "sv-SE", "en-GB", "de"]


def _decisions(engine: Engine) -> list[object]:
    return [
        engine.check(q, locale=LOCALES[i % len(LOCALES)]).to_dict() for i, q in enumerate(QUERIES)
    ]


def test_a_pickled_engine_decides_as_the_original() -> None:
    engine = Engine.default()
    again = pickle.loads(pickle.dumps(engine))
    assert again is not engine
    assert again.version == engine.version
    assert _decisions(again) == _decisions(engine)
    assert again.ruleset == engine.ruleset  # the rule set travels too (read when asked for)


def test_from_bytes_reads_what_compile_writes_and_checks_the_key(tmp_path: Path) -> None:
    engine = Engine.default()
    key = b"k" * 32
    path = tmp_path / "rules.irs"
    write_artifact(engine.ruleset, path, key=key)
    data = path.read_bytes()
    loaded = Engine.from_bytes(data, key=key, memo_size=0)
    assert _decisions(loaded) == _decisions(engine)
    with pytest.raises(ArtifactError, match="HMAC"):
        Engine.from_bytes(data, key=b"x" * 32)
    with pytest.raises(ArtifactError, match="not a compiled rule set"):
        Engine.from_bytes(b"rules: []\n")
    with pytest.raises(TypeError):
        Engine.from_bytes("text")  # type: ignore[arg-type]


def test_the_pickle_holds_no_memo_and_keeps_the_options() -> None:
    engine = Engine.from_bytes(_artifact(), memo_size=64)
    before = pickle.dumps(engine)
    for q in QUERIES:
        engine.check(q)
    assert pickle.dumps(engine) == before  # the memos filled, the pickle did not change
    again = pickle.loads(before)
    assert again._memo_size == 64 and again._cache_size == 0


def _artifact() -> bytes:
    return pickle.loads(pickle.dumps(Engine.default()))._artifact or b""


def test_an_engine_from_yaml_encodes_its_artefact_once() -> None:
    engine = Engine.from_path(Path(__file__).parents[1] / "data" / "mini_rules")
    assert engine._artifact is None  # nothing is encoded until a pickle asks for it
    first = pickle.dumps(engine)
    assert engine._artifact is not None
    assert pickle.dumps(engine) == first


def test_unpickling_does_not_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    data = pickle.dumps(Engine.default())

    def refuse(*args: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr("interventions._engine.compile_rules", refuse)
    monkeypatch.setattr("interventions._compile.compile_rules", refuse)
    assert pickle.loads(data).check("#thinspo").rule_id == "ed.thinspo"


def test_a_tampered_pickle_is_refused() -> None:
    data = pickle.dumps(Engine.default())
    payload = data.index(b"\n{") + 40  # a byte inside the payload, after the header line
    flipped = data[:payload] + bytes([data[payload] ^ 0x01]) + data[payload + 1 :]
    with pytest.raises(ArtifactError, match="sha256"):
        pickle.loads(flipped)
    version = data.replace(f'"format_version": {FORMAT_VERSION}'.encode(), b'"format_version": 9')
    assert version != data
    with pytest.raises(ArtifactError, match="format version 9"):
        pickle.loads(version)


def _check_all(engine: Engine, queries: list[str]) -> list[object]:
    return [engine.check(q).to_dict() for q in queries]


def test_an_engine_goes_to_spawned_worker_processes() -> None:
    engine = Engine.default()
    halves = [QUERIES[::2], QUERIES[1::2]]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        got = list(pool.map(_check_all, [engine, engine], halves))
    assert got == [_check_all(engine, h) for h in halves]


def test_the_pickle_keeps_the_failure_policy() -> None:
    closed = Engine(Engine.default().ruleset, failure="closed")
    assert pickle.loads(pickle.dumps(closed))._failure == "closed"
    assert pickle.loads(pickle.dumps(Engine.default()))._failure == "open"


def test_the_default_engine_is_built_once() -> None:
    assert Engine.default() is Engine.default()
