"""``interventions serve``: the rules behind an HTTP service (needs the ``server`` extra)."""

from __future__ import annotations

import argparse
import logging.config
import os
from typing import Any

from interventions._cli._compile import _read_key
from interventions._errors import InputError

__all__ = ["register"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="serve decisions over HTTP (POST /v1/check; needs interventions[server])",
        description="Serve RULES (a rules folder or a compiled rule set) over HTTP: "
        "POST /v1/check and /v1/check/batch, GET /healthz, /readyz, /metrics and "
        "/openapi.json. Logs are JSON lines on stderr and never hold a query's text unless "
        "--log-queries is given. SIGHUP reloads the rules; a broken rule set is refused and the "
        "one before it keeps serving (see docs/service.md).",
    )
    p.add_argument("rules", help="rules folder or compiled rule set (interventions compile)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free one)")
    p.add_argument(
        "--shadow",
        metavar="CANDIDATE",
        help="a second rule set that decides every query too, never changing an answer; "
        "/metrics counts where it disagrees, as `interventions diff` classifies changes",
    )
    p.add_argument(
        "--key-file",
        help="check compiled rule sets' HMAC with the key in this file (as compile --key-file)",
    )
    p.add_argument(
        "--watch",
        type=float,
        metavar="SECONDS",
        help="reload when the rule files change, looking every SECONDS",
    )
    p.add_argument(
        "--admin-token-env",
        metavar="NAME",
        help="enable POST /v1/admin/reload, authorized by the token in environment variable NAME",
    )
    p.add_argument("--access-log", action="store_true", help="one JSON log line per request")
    p.add_argument(
        "--log-queries",
        action="store_true",
        help="put the query's text in the access log (off by default: queries are personal)",
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from interventions._server import create_app, log_config
    except ImportError as exc:
        raise InputError(
            f"serve needs the server extra ({exc.name} is missing): "
            "pip install 'interventions[server]'"
        ) from None
    if args.watch is not None and args.watch <= 0:
        raise InputError("--watch: a number of seconds > 0")
    token = None
    if args.admin_token_env:
        token = os.environ.get(args.admin_token_env)
        if not token:
            raise InputError(f"--admin-token-env: ${args.admin_token_env} is not set or empty")
    key = _read_key(args.key_file) if args.key_file else None
    logging.config.dictConfig(log_config(args.log_level))
    app = create_app(
        args.rules,
        candidate=args.shadow,
        key=key,
        admin_token=token,
        watch=args.watch,
        reload_on_sighup=True,
        access_log=args.access_log,
        log_queries=args.log_queries,
    )
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_config=log_config(args.log_level),
        access_log=False,  # ours (--access-log) says what was decided, without the query
        server_header=False,
    )
    uvicorn.Server(config).run()
    return 0
