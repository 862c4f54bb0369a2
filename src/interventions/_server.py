"""The HTTP service (``interventions serve``): the engine behind a small ASGI app (Starlette),
with health, readiness, hot reload, Prometheus metrics and JSON logs that leave queries out.

Rules are reloaded build-then-swap: a new engine is built in a worker thread and replaces the
serving one in one reference assignment; a rule set that fails to load is logged and reported
by ``/readyz`` while the one before it keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import logging
import os
import re
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.process_collector import ProcessCollector
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from interventions._artifact import ruleset_from_path
from interventions._decision import Decision
from interventions._engine import Engine
from interventions._metrics import DecisionCounter
from interventions._openapi import MAX_BATCH, MAX_BODY, MAX_LOCALE, openapi
from interventions._prometheus import DecisionCollector
from interventions._shadow import ShadowEngine
from interventions._version import __version__

__all__ = ["JsonFormatter", "create_app", "log_config"]

LOG = logging.getLogger("interventions.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# -- logs -------------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``ts``, ``level``, ``logger``, ``event`` and the record's
    ``fields`` (``LOG.info("reload", extra={"fields": {...}})``)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the service and uvicorn: JSON lines on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    logger = {"handlers": ["json"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "loggers": {
            "interventions": logger,
            "uvicorn": logger,
            "uvicorn.error": {"handlers": [], "level": level.upper(), "propagate": True},
            "uvicorn.access": logger,
        },
    }


def _event(level: int, event: str, **fields: Any) -> None:
    LOG.log(level, event, extra={"fields": fields})


# -- requests ---------------------------------------------------------------------------------


class _RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def _moment(value: object, where: str) -> dt.date | None:
    """An RFC 3339 ``date`` or ``date-time`` (with its offset), as the schema says."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RefusedError(422, f"{where}: a date or date-time string, or null")
    try:
        if _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
        m = _DATE_TIME.fullmatch(value)
        if m:
            date, hh, mm, ss, frac, zone = m.groups()
            ss = min(ss, "59")  # a leap second is valid RFC 3339; Python has none
            zone = "+00:00" if zone in "Zz" else zone
            return dt.datetime.fromisoformat(f"{date}T{hh}:{mm}:{ss}{frac or ''}{zone}")
    except ValueError:
        pass
    raise _RefusedError(422, f"{where}: not an RFC 3339 date or date-time")


_ITEM_KEYS = frozenset({"query", "locale", "at"})


def _item(obj: object, where: str) -> tuple[str, str | None, dt.date | None]:
    if not isinstance(obj, dict):
        raise _RefusedError(422, f"{where}: a JSON object with a query")
    extra = obj.keys() - _ITEM_KEYS
    if extra:
        raise _RefusedError(422, f"{where}: unknown field {sorted(extra)[0]!r}")
    query = obj.get("query")
    if not isinstance(query, str):
        raise _RefusedError(422, f"{where}.query: a string is required")
    locale = obj.get("locale")
    if locale is not None and (not isinstance(locale, str) or len(locale) > MAX_LOCALE):
        raise _RefusedError(422, f"{where}.locale: a string of at most {MAX_LOCALE} characters")
    return query, locale, _moment(obj.get("at"), f"{where}.at")


async def _body(request: Request) -> Any:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise _RefusedError(413, f"the body is larger than {MAX_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _RefusedError(413, f"the body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, RecursionError):
        raise _RefusedError(400, "the body is not JSON") from None


def _json(data: Any, status: int = 200) -> Response:
    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate somewhere: \u escapes are still valid JSON
        body = json.dumps(data, separators=(",", ":")).encode("ascii")
    return Response(body, status, media_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": message}, status)


# -- the rules being served -------------------------------------------------------------------


@dataclass(frozen=True)
class _Serving:
    """What answers queries now; replaced whole on reload."""

    engine: Engine | ShadowEngine
    live: Engine
    shadow: ShadowEngine | None
    loaded_at: float


@dataclass(frozen=True)
class _Reload:
    ok: bool
    at: float
    trigger: str
    error: str | None
    version: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "at": _iso(self.at),
            "trigger": self.trigger,
            "error": self.error,
            "ruleset_version": self.version,
        }


def _candidate_version(serving: _Serving) -> str | None:
    return None if serving.shadow is None else serving.shadow.candidate.version


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="seconds")


def _load(path: Path, key: bytes | None) -> Engine:
    if path.is_file():  # a compiled rule set: read its index, compile nothing
        return Engine.load(path, key=key)
    if key is not None:
        raise ValueError(f"{path}: a key checks a compiled rule set, not a rules folder")
    return Engine(ruleset_from_path(path))


def _fingerprint(path: Path) -> tuple[int, int, int]:
    """(files, total size, latest mtime) of a rules folder or file: cheap to poll."""
    try:
        if path.is_file():
            st = path.stat()
            return (1, st.st_size, st.st_mtime_ns)
        files = size = latest = 0
        for root, _, names in os.walk(path):
            for name in names:
                st = os.stat(os.path.join(root, name))
                files += 1
                size += st.st_size
                latest = max(latest, st.st_mtime_ns)
        return (files, size, latest)
    except OSError:
        return (-1, -1, -1)


class _Service:
    def __init__(
        self,
        rules: Path,
        candidate: Path | None,
        key: bytes | None,
        counter: DecisionCounter,
    ) -> None:
        self.rules = rules
        self.candidate = candidate
        self.key = key
        self.counter = counter
        self.serving = self._build()
        self.last = _Reload(True, self.serving.loaded_at, "start", None, self.serving.live.version)
        self._lock = asyncio.Lock()
        self._seen = self._fingerprints()

    def _build(self) -> _Serving:
        live = _load(self.rules, self.key)
        if self.candidate is None:
            return _Serving(live, live, None, time.time())
        shadow = ShadowEngine(live, _load(self.candidate, self.key))
        return _Serving(shadow, live, shadow, time.time())

    def _fingerprints(self) -> tuple[tuple[int, int, int], ...]:
        paths = [self.rules] if self.candidate is None else [self.rules, self.candidate]
        return tuple(_fingerprint(p) for p in paths)

    async def reload(self, trigger: str) -> _Reload:
        async with self._lock:  # one at a time; a signal during a reload waits for it
            seen = self._fingerprints()
            try:
                serving = await run_in_threadpool(self._build)
            except Exception as exc:  # a broken rule set: the one before it serves on
                self.last = _Reload(False, time.time(), trigger, str(exc), None)
                _event(
                    logging.ERROR,
                    "reload failed; the rule set before it keeps serving",
                    trigger=trigger,
                    error=str(exc),
                    serving=self.serving.live.version,
                )
                _RELOADS.labels("error").inc()
                return self.last
            finally:
                self._seen = seen
            self.serving = serving
            self.last = _Reload(True, serving.loaded_at, trigger, None, serving.live.version)
            _event(
                logging.INFO,
                "reloaded",
                trigger=trigger,
                ruleset_version=serving.live.version,
                candidate_version=_candidate_version(serving),
            )
            _RELOADS.labels("ok").inc()
            return self.last

    async def watch(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            if self._fingerprints() != self._seen:
                await self.reload("watch")


# -- metrics of the HTTP layer (process-wide, as prometheus_client's metrics are) --------------

_REGISTRY = CollectorRegistry(auto_describe=True)
_REQUESTS = Histogram(
    "interventions_http_request_duration_seconds",
    "Time to answer a request, by endpoint",
    ["endpoint"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0),
    registry=_REGISTRY,
)
_RESPONSES = Counter(
    "interventions_http_responses",
    "Responses, by endpoint and status",
    ["endpoint", "status"],
    registry=_REGISTRY,
)
_RELOADS = Counter(
    "interventions_reloads", "Rule set reloads, by result", ["result"], registry=_REGISTRY
)
_LOADED = Gauge(
    "interventions_ruleset_loaded_timestamp_seconds",
    "When the serving rule set was loaded",
    registry=_REGISTRY,
)
ProcessCollector(registry=_REGISTRY)


# -- the app ----------------------------------------------------------------------------------


def create_app(
    rules: str | os.PathLike[str],
    *,
    candidate: str | os.PathLike[str] | None = None,
    key: bytes | None = None,
    admin_token: str | None = None,
    watch: float | None = None,
    reload_on_sighup: bool = False,
    access_log: bool = False,
    log_queries: bool = False,
) -> Starlette:
    """The service as an ASGI app.

    ``rules`` is a rules folder or a compiled rule set (``key`` checks its HMAC); with
    ``candidate``, a second rule set decides every query in shadow (never changing an answer)
    and ``/metrics`` counts the disagreements. Reload: ``watch`` polls the sources every so many
    seconds, ``reload_on_sighup`` reloads on SIGHUP (main thread only), ``admin_token`` enables
    ``POST /v1/admin/reload`` with ``Authorization: Bearer TOKEN``. ``access_log`` logs one JSON
    line per request (method, path, status, time, action and rule; the query's length, its text
    only with ``log_queries``). Raises what loading the rules raises: a service does not start
    on a broken rule set.
    """
    counter = DecisionCounter()
    service = _Service(Path(rules), None if candidate is None else Path(candidate), key, counter)
    registry = CollectorRegistry(auto_describe=True)
    registry.register(DecisionCollector(counter, lambda: service.serving.shadow))
    doc = json.dumps(openapi(version=__version__, admin=admin_token is not None)).encode()

    def timed(endpoint: str, handler: Callable[[Request], Awaitable[Response]]) -> Any:
        histogram = _REQUESTS.labels(endpoint)

        async def run(request: Request) -> Response:
            start = time.perf_counter()
            try:
                response = await handler(request)
            except _RefusedError as exc:
                response = _error(exc.status, str(exc))
            histogram.observe(time.perf_counter() - start)
            _RESPONSES.labels(endpoint, str(response.status_code)).inc()
            return response

        return run

    def note(request: Request, query: str, d: Decision) -> None:
        if access_log:
            fields: dict[str, Any] = {
                "action": d.action.value,
                "rule_id": d.rule_id,
                "query_chars": len(query),
            }
            if log_queries:
                fields["query"] = query
            request.scope.setdefault("interventions.log", []).append(fields)

    async def check(request: Request) -> Response:
        query, locale, at = _item(await _body(request), "body")
        d = service.serving.engine.check(query, locale=locale, at=at)
        counter.record(d)
        note(request, query, d)
        return _json(d.to_dict())

    async def check_batch(request: Request) -> Response:
        body = await _body(request)
        if not isinstance(body, dict) or set(body) != {"queries"}:
            raise _RefusedError(422, "body: a JSON object with one field, queries")
        items = body["queries"]
        if not isinstance(items, list) or len(items) > MAX_BATCH:
            raise _RefusedError(422, f"body.queries: a list of at most {MAX_BATCH} queries")
        parsed = [_item(obj, f"body.queries[{i}]") for i, obj in enumerate(items)]
        engine = service.serving.engine  # one rule set for the whole batch, even mid-reload
        out = []
        for query, locale, at in parsed:
            d = engine.check(query, locale=locale, at=at)
            counter.record(d)
            note(request, query, d)
            out.append(d.to_dict())
        return _json({"decisions": out})

    async def health(request: Request) -> Response:
        return _json({"status": "ok"})

    async def ready(request: Request) -> Response:
        serving = service.serving
        return _json(
            {
                "status": "ready",
                "ruleset_version": serving.live.version,
                "candidate_version": _candidate_version(serving),
                "source": str(service.rules),
                "loaded_at": _iso(serving.loaded_at),
                "last_reload": service.last.to_dict(),
            }
        )

    async def metrics(request: Request) -> Response:
        _LOADED.set(service.serving.loaded_at)
        body = generate_latest(registry) + generate_latest(_REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    async def schema(request: Request) -> Response:
        return Response(doc, media_type="application/json")

    async def reload(request: Request) -> Response:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {admin_token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise _RefusedError(401, "an admin token is required: Authorization: Bearer TOKEN")
        result = await service.reload("admin")
        return _json(result.to_dict(), 200 if result.ok else 422)

    routes = [
        Route("/v1/check", timed("check", check), methods=["POST"]),
        Route("/v1/check/batch", timed("check_batch", check_batch), methods=["POST"]),
        Route("/healthz", timed("health", health), methods=["GET"]),
        Route("/readyz", timed("ready", ready), methods=["GET"]),
        Route("/metrics", timed("metrics", metrics), methods=["GET"]),
        Route("/openapi.json", schema, methods=["GET"]),
    ]
    if admin_token is not None:
        routes.append(Route("/v1/admin/reload", timed("reload", reload), methods=["POST"]))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = []
        loop = asyncio.get_running_loop()
        if reload_on_sighup:
            try:
                loop.add_signal_handler(
                    signal.SIGHUP,
                    lambda: tasks.append(loop.create_task(_reload_task(service, "sighup"))),
                )
            except (ValueError, RuntimeError, NotImplementedError, AttributeError) as exc:
                _event(logging.WARNING, "no reload on SIGHUP here", error=str(exc))
        if watch:
            tasks.append(loop.create_task(service.watch(watch)))
        _event(
            logging.INFO,
            "serving",
            ruleset_version=service.serving.live.version,
            source=str(service.rules),
            candidate=None if candidate is None else str(candidate),
            watch=watch,
            sighup=reload_on_sighup,
            admin=admin_token is not None,
            log_queries=log_queries,
        )
        try:
            yield
        finally:
            if reload_on_sighup:
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(signal.SIGHUP)
            for task in tasks:
                task.cancel()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.service = service
    if access_log:
        app.add_middleware(_AccessLog)
    return app


async def _reload_task(service: _Service, trigger: str) -> None:
    await service.reload(trigger)


class _AccessLog:
    """One JSON line per request; the decision's action and rule, never the query's text unless
    the service was told to log queries (the handlers decide what goes in)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            fields: dict[str, Any] = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "ms": round((time.perf_counter() - start) * 1000, 3),
            }
            decisions = scope.get("interventions.log")
            if decisions:
                fields["decisions"] = decisions
            _event(logging.INFO, "request", **fields)
