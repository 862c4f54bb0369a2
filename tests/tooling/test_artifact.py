"""Compiled rule sets: plain data with a version and a hash, refused when anything is off."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interventions import ArtifactError, Engine, load_rules
from interventions._artifact import (
    FORMAT_VERSION,
    read_artifact,
    read_artifact_header,
    write_artifact,
)

from ._batch_helpers import SHIPPED, broken_copy, run_cli, sample_lines


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("artifact") / "rules.irs"
    write_artifact(load_rules(SHIPPED), path)
    return path


def _split(path: Path) -> tuple[dict[str, Any], bytes]:
    data = path.read_bytes()
    newline = data.index(b"\n")
    return json.loads(data[:newline]), data[newline + 1 :]


def _sections(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    header, payload = _split(path)
    return header, {name: payload[a : a + n] for name, (a, n) in header["sections"].items()}


def _rewrite(path: Path, header: dict[str, Any], payload: bytes, *, rehash: bool) -> None:
    if rehash:
        header = {
            **header,
            "payload_bytes": len(payload),
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
        }
    path.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def _rewrite_sections(path: Path, header: dict[str, Any], sections: dict[str, bytes]) -> None:
    """Write ``sections`` as the payload, with offsets and the hash made to fit."""
    spans: dict[str, list[int]] = {}
    at = 0
    for name, data in sections.items():
        spans[name] = [at, len(data)]
        at += len(data)
    _rewrite(path, {**header, "sections": spans}, b"".join(sections.values()), rehash=True)


def test_round_trip_is_equal_and_decides_identically(compiled: Path) -> None:
    original = load_rules(SHIPPED)
    loaded = read_artifact(compiled)
    assert loaded == original
    old, new = Engine(original), Engine(loaded)
    queries = [*sample_lines(), *(e.query for r in original.rules for e in r.match_examples)]
    for locale in (None, "pl-PL", "sv-SE", "en-US"):
        for q in queries:
            assert new.check(q, locale=locale) == old.check(q, locale=locale), (q, locale)


def test_uncompressed_round_trip(tmp_path: Path) -> None:
    ruleset = load_rules(SHIPPED)
    path = tmp_path / "plain.irs"
    header = write_artifact(ruleset, path, compress=False)
    assert header["compression"] == "none"
    assert read_artifact(path) == ruleset
    _, sections = _sections(path)
    assert set(sections) == {"ruleset", "index", "common_words"}
    for name in ("ruleset", "index"):
        json.loads(sections[name])  # each section is plain JSON
    assert len(sections["common_words"]) == 8 * len(ruleset.common_words)  # raw 64-bit keys
    assert Engine.load(path).check("thinspo") == Engine(ruleset).check("thinspo")


def test_header_is_plain_json_not_pickle(compiled: Path) -> None:
    assert compiled.read_bytes().startswith(b'{"format": "interventions.ruleset"')
    header = read_artifact_header(compiled)
    # the number itself, not the constant that wrote it: a new format is a deliberate change
    # (docs/reliability.md, the artefact section), made here too
    assert header["format_version"] == 4
    assert header["ruleset_version"] == load_rules(SHIPPED).version
    assert header["rules"] == len(load_rules(SHIPPED).rules)
    assert len(header["payload_sha256"]) == 64


def test_tampered_payload_is_refused(compiled: Path, tmp_path: Path) -> None:
    header, payload = _split(compiled)
    bad = tmp_path / "bad.irs"
    flipped = bytearray(payload)
    flipped[len(flipped) // 2] ^= 0x01
    _rewrite(bad, header, bytes(flipped), rehash=False)
    with pytest.raises(ArtifactError, match="sha256 does not match"):
        read_artifact(bad)


def _set_action(doc: dict[str, Any]) -> None:
    doc["rules"][0]["action"] = "explode"


def _dangling_term(doc: dict[str, Any]) -> None:
    doc["rules"][0]["terms"][0] = [10**6, 1]


def _bad_date(doc: dict[str, Any]) -> None:
    card = doc["cards"][0]
    card["resources"]["default"][0]["verified"] = "last tuesday"


def _no_rules(doc: dict[str, Any]) -> None:
    del doc["rules"]


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (_set_action, r"rules\[0\]\.action: unknown value 'explode'"),
        (_dangling_term, r"rules\[0\]\.terms\[0\]: expected \[term index, line\]"),
        (_bad_date, r"cards\[0\]\.resources\.default\[0\]\.verified: not an ISO date"),
        (_no_rules, r"payload\.rules: missing"),
    ],
)
def test_tampered_but_rehashed_payload_is_still_checked(
    compiled: Path, tmp_path: Path, mutate: Callable[[dict[str, Any]], None], where: str
) -> None:
    header, sections = _sections(compiled)
    doc = json.loads(zlib.decompress(sections["ruleset"]))
    mutate(doc)
    bad = tmp_path / "bad.irs"
    sections["ruleset"] = zlib.compress(json.dumps(doc).encode())
    _rewrite_sections(bad, header, sections)
    with pytest.raises(ArtifactError, match="malformed payload at " + where):
        read_artifact(bad)
    engine = Engine.load(bad)  # the index is intact; the rule set is read when asked for
    with pytest.raises(ArtifactError, match="malformed payload at " + where):
        _ = engine.ruleset


def test_wrong_format_version_is_refused(compiled: Path, tmp_path: Path) -> None:
    header, payload = _split(compiled)
    bad = tmp_path / "v99.irs"
    _rewrite(bad, {**header, "format_version": 99}, payload, rehash=False)
    with pytest.raises(ArtifactError, match=rf"format version 99.*reads version {FORMAT_VERSION}"):
        read_artifact(bad)


def test_other_normalizer_is_refused(compiled: Path, tmp_path: Path) -> None:
    header, payload = _split(compiled)
    bad = tmp_path / "norm.irs"
    _rewrite(bad, {**header, "normalizer": "0" * 16}, payload, rehash=False)
    with pytest.raises(ArtifactError, match="normalizer differs"):
        read_artifact(bad)


def test_truncated_file_is_refused(compiled: Path, tmp_path: Path) -> None:
    bad = tmp_path / "short.irs"
    bad.write_bytes(compiled.read_bytes()[:-10])
    with pytest.raises(ArtifactError, match="truncated"):
        read_artifact(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a compiled rule set"),
        (b"\x80\x04\x95garbage pickle-looking bytes\n", "not a compiled rule set"),
        (b"category: eating_disorder\nrules: []\n", "not a compiled rule set"),
        (b'{"format": "interventions.ruleset", \n', "garbled header"),
        (b'{"format": "something.else"}\n{}', "format is not"),
        (b'["a", "list"]\n', "not a compiled rule set"),
    ],
)
def test_garbage_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "garbage.irs"
    bad.write_bytes(content)
    with pytest.raises(ArtifactError, match=message):
        read_artifact(bad)


def test_valid_header_with_non_json_payload(compiled: Path, tmp_path: Path) -> None:
    header, _ = _split(compiled)
    bad = tmp_path / "nonjson.irs"
    garbage = {"ruleset": b"this is not json", "index": b"nor this"}
    _rewrite_sections(bad, {**header, "compression": "none"}, garbage)
    for read in (read_artifact, Engine.load):
        with pytest.raises(ArtifactError, match="payload is not JSON"):
            read(bad)
    _rewrite_sections(bad, header, {"ruleset": b"not zlib either", "index": b"no"})
    for read in (read_artifact, Engine.load):
        with pytest.raises(ArtifactError, match="does not decompress"):
            read(bad)


@pytest.mark.parametrize(
    "sections",
    [None, {}, {"ruleset": [0, 10]}, {"ruleset": [0, 10], "index": [5, 10**9]}],
)
def test_bad_section_table_is_refused(
    compiled: Path, tmp_path: Path, sections: dict[str, list[int]] | None
) -> None:
    header, payload = _split(compiled)
    bad = tmp_path / "sections.irs"
    _rewrite(bad, {**header, "sections": sections}, payload, rehash=False)
    with pytest.raises(ArtifactError, match=r"no valid '(ruleset|index)' section"):
        Engine.load(bad)


def _index_doc(compiled: Path) -> tuple[dict[str, Any], dict[str, bytes], dict[str, Any]]:
    header, sections = _sections(compiled)
    return header, sections, json.loads(zlib.decompress(sections["index"]))


def _dangling_word(doc: dict[str, Any]) -> None:
    doc["words"]["ids"][0] = 10**6


def _dangling_phrase(doc: dict[str, Any]) -> None:
    more = doc["words"]["more"]
    key = next(k for k, v in more.items() if min(v) < 0)
    more[key] = [-(10**6)]


def _ids_out_of_step(doc: dict[str, Any]) -> None:
    doc["fuzzy"]["ids"].pop()


def _bad_kind(doc: dict[str, Any]) -> None:
    doc["term_kind"] = "9" + doc["term_kind"][1:]


def _short_table(doc: dict[str, Any]) -> None:
    doc["term_text"] = doc["term_text"].rsplit("\n", 1)[0]


def _foreign_segmenter(doc: dict[str, Any]) -> None:
    doc["segmenter"]["segmenter"]["surprise"] = 1


def _no_words(doc: dict[str, Any]) -> None:
    del doc["words"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_dangling_word, r"index\.words: an id is out of range"),
        (_dangling_phrase, r"index\.words: an id is out of range"),
        (_bad_kind, r"malformed \(KeyError"),
        (_short_table, r"term tables differ in length"),
        (_ids_out_of_step, r"index\.fuzzy: expected keys, ids of the same length"),
        (_foreign_segmenter, r"segmenter fields differ"),
        (_no_words, r"index\.words: expected dict"),
    ],
)
def test_tampered_but_rehashed_index_is_still_checked(
    compiled: Path, tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    header, sections, doc = _index_doc(compiled)
    mutate(doc)
    sections["index"] = zlib.compress(json.dumps(doc).encode())
    bad = tmp_path / "bad-index.irs"
    _rewrite_sections(bad, header, sections)
    with pytest.raises(ArtifactError, match="malformed compiled index: .*" + message):
        Engine.load(bad)
    assert read_artifact(bad) == load_rules(SHIPPED)  # the rule set section is untouched


def test_loaded_index_equals_the_compiled_one(compiled: Path) -> None:
    ruleset = load_rules(SHIPPED)
    loaded = Engine.load(compiled)
    assert loaded._index == Engine(ruleset)._index
    assert loaded.version == ruleset.version
    assert loaded.ruleset == ruleset  # read on first use


def test_missing_file_is_an_artifact_error(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="cannot read"):
        read_artifact(tmp_path / "missing.irs")


# -- the command ----------------------------------------------------------------------------------


def test_compile_command_on_shipped_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "rules.irs"
    code, out, err = run_cli(capsys, "compile", str(SHIPPED), "-o", str(out_path))
    assert code == 0, err
    assert f"into {out_path}" in out
    assert "ms from the artefact" in out and "ms from YAML" in out
    assert read_artifact(out_path) == load_rules(SHIPPED)


def test_compile_command_on_broken_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "rules.irs"
    code, _, err = run_cli(capsys, "compile", str(broken_copy(tmp_path)), "-o", str(out_path))
    assert code == 2
    assert "zz_broken.yaml:5:" in err and "zz.broken" in err
    assert not out_path.exists()


def test_compile_to_unwritable_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "compile", str(SHIPPED), "-o", str(tmp_path / "no" / "x.irs"))
    assert code == 2
    assert "cannot write" in err


def test_batch_accepts_a_compiled_rule_set(
    capsys: pytest.CaptureFixture[str], compiled: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.txt"
    log.write_text("\n".join(sample_lines()[:60]), encoding="utf-8")
    _, from_yaml, _ = run_cli(capsys, "batch", str(log), "--rules", str(SHIPPED))
    code, from_artifact, _ = run_cli(capsys, "batch", str(log), "--rules", str(compiled))
    assert code == 0
    assert from_artifact == from_yaml


def test_batch_refuses_a_tampered_rule_set(
    capsys: pytest.CaptureFixture[str], compiled: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.irs"
    data = bytearray(compiled.read_bytes())
    data[-5] ^= 0xFF
    bad.write_bytes(bytes(data))
    code, out, err = run_cli(capsys, "batch", "-", "--rules", str(bad))
    assert code == 2 and out == ""
    assert "sha256 does not match" in err
