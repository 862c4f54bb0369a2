"""``interventions compile``: a rules folder into a hashed, versioned artefact that loads fast."""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import time
from pathlib import Path
from typing import Any

from interventions._artifact import MIN_KEY_BYTES, write_artifact
from interventions._cli._output import check_outputs
from interventions._engine import Engine
from interventions._errors import ArtifactError, InputError
from interventions._loader import load_rules

__all__ = ["register"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "compile",
        help="compile a rules folder into a fast-loading artefact",
        description="Load, validate and compile RULES, then write the rule set and its "
        "compiled index to FILE as plain data (JSON, zlib-compressed) with a format version and "
        "a sha256 of the payload. Engine.load(FILE) then reads the index without compiling. The "
        "file is written beside FILE, read back and compared, and only then renamed to FILE, "
        "so FILE is never a partial or unchecked artefact. When FILE is a symbolic link, the "
        "link itself is replaced; the file it pointed to is left alone.",
    )
    p.add_argument("rules", metavar="RULES", help="rules folder")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="artefact to write")
    p.add_argument("--no-compress", action="store_true", help="store the JSON payload uncompressed")
    p.add_argument(
        "--key-file",
        metavar="KEY",
        help="sign FILE with an HMAC-SHA256 keyed by this file's bytes (at least 16), for "
        "Engine.load(FILE, key=...) to check: for files that cross a trust boundary",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_outputs([("-o", args.output)], [("RULES", args.rules), ("--key-file", args.key_file)])
    key = _read_key(args.key_file) if args.key_file else None
    started = time.perf_counter()
    ruleset = load_rules(args.rules)
    engine = Engine(ruleset)
    yaml_seconds = time.perf_counter() - started
    target = Path(args.output)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.check")
    try:
        try:
            header = write_artifact(ruleset, tmp, compress=not args.no_compress, key=key)
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write: {exc.strerror or exc}") from exc
        started = time.perf_counter()
        loaded = Engine.load(tmp, key=key)
        artifact_seconds = time.perf_counter() - started
        if loaded._index != engine._index or loaded.ruleset != ruleset:
            raise ArtifactError(f"{args.output}: reads back different from {args.rules} (a bug)")
        size = tmp.stat().st_size
        try:
            os.replace(tmp, target)  # over the link itself when FILE is a symbolic link
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    print(
        f"compiled {header['rules']} rules and {header['cards']} cards from {args.rules} "
        f"into {args.output}\n"
        f"  rule set {header['ruleset_version']}, format {header['format']} "
        f"v{header['format_version']}, interventions {header['library_version']}\n"
        f"  {size:,} bytes ({header['compression']}), payload sha256 "
        f"{header['payload_sha256']}{', HMAC-SHA256 with the key' if key else ''}\n"
        f"  engine ready in {artifact_seconds * 1000:.1f} ms from the artefact "
        f"(Engine.load), {yaml_seconds * 1000:.1f} ms from YAML (Engine.from_path); "
        "read back and identical"
    )
    return 0


MAX_KEY_FILE_BYTES = 4096


def _read_key(path: str) -> bytes:
    """The key file's bytes, exactly as stored (a trailing newline is part of the key)."""
    try:
        with open(path, "rb") as f:
            key = f.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(key) > MAX_KEY_FILE_BYTES:
        raise InputError(f"{path}: a key file holds at most {MAX_KEY_FILE_BYTES} bytes")
    if len(key) < MIN_KEY_BYTES:
        raise InputError(f"{path}: a key has at least {MIN_KEY_BYTES} bytes, this one {len(key)}")
    return key
