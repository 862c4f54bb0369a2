"""Hand-made and hostile artefacts: every one fails at ``Engine.load`` with an ArtifactError
(never a TypeError at ``check``, a MemoryError or a RecursionError), and ``compile`` writes the
same bytes on every run."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interventions import ArtifactError, Engine, load_rules
from interventions._artifact import read_artifact, write_artifact

from ..conftest import MINI_RULES, SHIPPED_RULES


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("artifact") / "mini.irs"
    write_artifact(load_rules(MINI_RULES), path)
    return path


def sections(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    data = path.read_bytes()
    newline = data.index(b"\n")
    header, payload = json.loads(data[:newline]), data[newline + 1 :]
    return header, {name: payload[a : a + n] for name, (a, n) in header["sections"].items()}


def forge(source: Path, target: Path, **replaced: bytes) -> Path:
    """``source`` with some sections replaced (stored bytes), the header made to fit: the
    file a forger writes, whose checksum is right."""
    header, parts = sections(source)
    parts.update(replaced)
    spans, at = {}, 0
    for name, data in parts.items():
        spans[name] = [at, len(data)]
        at += len(data)
    payload = b"".join(parts.values())
    header.update(
        sections=spans,
        payload_bytes=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
    )
    target.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    return target


def edited(source: Path, target: Path, section: str, change: Callable[[Any], None]) -> Path:
    """``source`` with the JSON of one section changed by ``change``."""
    doc = json.loads(zlib.decompress(sections(source)[1][section]))
    change(doc)
    return forge(source, target, **{section: zlib.compress(json.dumps(doc).encode())})


# -- every field has its type and range at load ------------------------------------------------


def _rule(field: int, value: Any) -> Callable[[Any], None]:
    def change(doc: Any) -> None:
        doc["rules"][1][field] = value

    return change


def _phrase_token(doc: Any) -> None:
    doc["phrases"][0][2][0][1] = 7


def _prefix_key(doc: Any) -> None:
    bucket = next(iter(doc["prefixes"]))
    doc["prefixes"][bucket][0][0] = 42


def _fuzzy_distance(value: Any) -> Callable[[Any], None]:
    def change(doc: Any) -> None:
        doc["fuzzy_terms"][0][2] = value

    return change


def _regex(pattern: Any) -> Callable[[Any], None]:
    def change(doc: Any) -> None:
        doc["regexes"][0][1] = pattern

    return change


def _segmenter_field(name: str, value: Any) -> Callable[[Any], None]:
    def change(doc: Any) -> None:
        doc["segmenter"]["segmenter"][name] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rule(3, "5"), "priority is a whole number"),
        (_rule(3, True), "priority is a whole number"),
        (_rule(0, 17), "id, category, card and unless scope are strings"),
        (_rule(5, ["en", 3]), "languages are strings"),
        (_phrase_token, "a token matcher is"),
        (_prefix_key, "index.prefixes: expected lists of [key, ids]"),
        (_fuzzy_distance("2"), "distance 1 or 2"),
        (_fuzzy_distance(9), "distance 1 or 2"),
        (_regex(r"(a+)+b"), "refused '(a+)+b': nested quantifier"),
        (_regex("(?:(?:a{1000}){1000}){1000}b"), "repeats multiply to 1000000000 copies"),
        (_regex(17), "expected [term id, pattern]"),
        (_segmenter_field("longest", "7"), "expected a segmenter"),
        (_segmenter_field("vocabulary", {"atomset": [1, 2]}), "expected a segmenter"),
        (_segmenter_field("collapsed", {"atoms": [1]}), "malformed compiled index"),
    ],
)
def test_a_forged_index_fails_at_load(
    compiled: Path, tmp_path: Path, change: Callable[[Any], None], message: str
) -> None:
    forged = edited(compiled, tmp_path / "forged.irs", "index", change)
    with pytest.raises(ArtifactError) as info:
        Engine.load(forged)
    assert message in str(info.value)


@pytest.mark.parametrize("depth", [300, 450, 600, 900])
def test_a_deeply_nested_segmenter_is_an_artifact_error(
    compiled: Path, tmp_path: Path, depth: int
) -> None:
    """Deep enough for the JSON parser or for the decoder of tagged values to run out of
    stack, whichever comes first: an ArtifactError either way."""
    doc = json.loads(zlib.decompress(sections(compiled)[1]["index"]))
    doc["segmenter"]["segmenter"]["longest"] = "DEEP"
    deep = '{"tuple":[' * depth + "1" + "]}" * depth
    text = json.dumps(doc).replace('"DEEP"', deep)
    forged = forge(compiled, tmp_path / "deep.irs", index=zlib.compress(text.encode()))
    with pytest.raises(ArtifactError, match=r"nests too deeply|expected a segmenter"):
        Engine.load(forged)


def test_an_unforged_copy_still_loads(compiled: Path, tmp_path: Path) -> None:
    copy = edited(compiled, tmp_path / "same.irs", "index", lambda doc: None)
    assert Engine.load(copy).check("thinspo").intervenes


def test_a_risky_regex_in_the_rule_set_section_is_refused(compiled: Path, tmp_path: Path) -> None:
    def risky(doc: Any) -> None:
        (term,) = [t for t in doc["terms"] if t[0] == "regex"]
        term[1] = r"(\w+\s?)*x"

    forged = edited(compiled, tmp_path / "forged.irs", "ruleset", risky)
    with pytest.raises(ArtifactError, match="refused regex"):
        read_artifact(forged)  # what `interventions batch --rules FILE` compiles from


# -- decompressed size and nesting are bounded -------------------------------------------------


def _bomb(inflated: int) -> bytes:
    """``inflated`` bytes of spaces, compressed without holding them."""
    deflater = zlib.compressobj(9)
    block = b" " * (1 << 20)
    parts = [deflater.compress(block) for _ in range(inflated >> 20)]
    return b"".join([*parts, deflater.flush()])


@pytest.mark.parametrize("section", ["index", "ruleset"])
def test_a_zlib_bomb_fails_fast_without_inflating(
    compiled: Path, tmp_path: Path, section: str
) -> None:
    bomb = _bomb(256 << 20)  # 256 MB in about 250 KB
    forged = forge(compiled, tmp_path / "bomb.irs", **{section: bomb})
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ArtifactError, match="inflates beyond"):
            if section == "index":
                Engine.load(forged)
            else:
                read_artifact(forged)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 64 << 20  # about twice the bound (64 times the 250 KB), not the 256 MB


@pytest.mark.parametrize("section", ["index", "ruleset"])
@pytest.mark.parametrize("compress", [True, False])
def test_deep_nesting_is_an_artifact_error(
    compiled: Path, tmp_path: Path, section: str, compress: bool
) -> None:
    deep = b"[" * 200_000
    header, _ = sections(compiled)
    if not compress:  # an uncompressed file: every section stored as is
        _, parts = sections(compiled)
        parts = {k: v if k == "common_words" else zlib.decompress(v) for k, v in parts.items()}
        parts[section] = deep
        plain = tmp_path / "plain.irs"
        forge(compiled, plain, **parts)
        data = plain.read_bytes().replace(b'"compression": "zlib"', b'"compression": "none"', 1)
        plain.write_bytes(data)
        forged = plain
    else:
        forged = forge(compiled, tmp_path / "deep.irs", **{section: zlib.compress(deep)})
    assert header["compression"] == "zlib"
    with pytest.raises(ArtifactError, match="nests too deeply"):
        if section == "index":
            Engine.load(forged)
        else:
            read_artifact(forged)


# -- compile is reproducible -------------------------------------------------------------------


def test_compile_writes_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"rules-{seed}.irs"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        argv = [
            sys.executable,
            "-m",
            "interventions",
            "compile",
            str(SHIPPED_RULES),
            "-o",
            str(out),
        ]
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=600)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# -- authenticity: an HMAC key ----------------------------------------------------------------

KEY = b"0123456789abcdef-a test key"


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        (b"\x01" * 7, "whole 64-bit keys"),
        ((2).to_bytes(8, "little") + (1).to_bytes(8, "little"), "sorted"),
        ((1).to_bytes(8, "little") * 2, "sorted"),
    ],
)
def test_common_words_that_are_not_sorted_keys_are_an_artifact_error(
    compiled: Path, tmp_path: Path, keys: bytes, problem: str
) -> None:
    forged = forge(compiled, tmp_path / "common.irs", common_words=keys)
    for read in (read_artifact, Engine.load):
        with pytest.raises(ArtifactError, match=f"common_words section: .*{problem}"):
            read(forged)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signed") / "mini.irs"
    write_artifact(load_rules(MINI_RULES), path, key=KEY)
    return path


def test_a_signed_artefact_loads_with_its_key_and_without_one(signed: Path) -> None:
    assert Engine.load(signed, key=KEY).check("thinspo").intervenes
    assert Engine.load(signed).check("thinspo").intervenes  # the caller chooses to check
    assert read_artifact(signed, key=KEY) == load_rules(MINI_RULES)


def test_another_key_is_refused(signed: Path) -> None:
    with pytest.raises(ArtifactError, match="HMAC does not match"):
        Engine.load(signed, key=b"another key, also 16 bytes long")


def test_an_unsigned_artefact_is_refused_when_a_key_is_given(compiled: Path) -> None:
    with pytest.raises(ArtifactError, match="not authenticated"):
        Engine.load(compiled, key=KEY)


def test_a_forged_file_with_a_recomputed_checksum_fails_the_hmac(
    signed: Path, tmp_path: Path
) -> None:
    def promote(doc: Any) -> None:
        doc["rules"][0][3] = 1000  # a forger raises a rule's priority, and rehashes

    forged = edited(signed, tmp_path / "forged.irs", "index", promote)
    assert Engine.load(forged).check("thinspo").intervenes  # the checksum alone passes it
    with pytest.raises(ArtifactError, match="HMAC does not match"):
        Engine.load(forged, key=KEY)


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="at least 16 bytes"):
        write_artifact(load_rules(MINI_RULES), tmp_path / "weak.irs", key=b"secret")
