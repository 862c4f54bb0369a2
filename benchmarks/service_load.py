"""Load test of the HTTP service on loopback: p50/p99 latency and requests/s at a few concurrencies.

    python benchmarks/service_load.py                      # shipped rules, 1, 4, 16, 64 connections
    python benchmarks/service_load.py --concurrency 1,8 --seconds 3 --max-requests 5000
    python benchmarks/service_load.py --rules rules.irs --batch 100

Starts ``interventions serve`` on 127.0.0.1 (a free port), waits for /readyz, then for each
concurrency opens that many keep-alive HTTP/1.1 connections that POST /v1/check (or
/v1/check/batch with ``--batch N`` queries a request) one after the other, cycling through
benchmarks/data/sample_queries.txt. Each step is bounded by ``--seconds`` and by
``--max-requests``; the server is stopped at the end. Traffic goes to loopback only.

The client (asyncio, raw sockets: a real HTTP client costs more than the server) runs on the
same machine as the server: on 2 cores, each takes about one. Numbers compare configurations
of one run; docs/service.md has a run and its machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _start(rules: str | None, extra: list[str]) -> tuple[subprocess.Popen[str], str, int]:
    command = [sys.executable, "-m", "interventions", "serve", "--port=0"]
    command += [rules] if rules else [str(Path(__file__).resolve().parents[1] / "rules")]
    proc = subprocess.Popen(
        command + extra,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if "running on" in line:
            url = json.loads(line)["event"].split("running on ")[1].split()[0]
            host, port = url.removeprefix("http://").rsplit(":", 1)
            # keep reading its log, so that a full pipe never stalls the server
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            return proc, host, int(port)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit(f"the server did not start: {proc.stderr.read()}")


def _request(host: str, path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _connection(
    host: str,
    port: int,
    *,
    requests: list[bytes],
    offset: int,
    stop: float,
    budget: list[int],
    latencies: list[float],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while budget[0] > 0 and time.perf_counter() < stop:
            budget[0] -= 1
            start = time.perf_counter()
            writer.write(requests[i % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"unexpected answer: {head[:80]!r}")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            i += 1
    finally:
        writer.close()


async def _step(
    host: str, port: int, requests: list[bytes], *, concurrency: int, seconds: float, limit: int
) -> tuple[int, float, list[float]]:
    latencies: list[float] = []
    budget = [limit]
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(
        *(
            _connection(
                host,
                port,
                requests=requests,
                offset=k * 37,
                stop=stop,
                budget=budget,
                latencies=latencies,
            )
            for k in range(concurrency)
        )
    )
    return len(latencies), time.perf_counter() - start, latencies


def _quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", help="rules folder or compiled rule set (default: shipped)")
    parser.add_argument("--concurrency", default="1,4,16,64", help="connections, comma-separated")
    parser.add_argument("--seconds", type=float, default=5.0, help="bound on each step")
    parser.add_argument("--max-requests", type=int, default=50_000, help="bound on each step")
    parser.add_argument("--batch", type=int, default=0, help="queries per /v1/check/batch call")
    parser.add_argument("--access-log", action="store_true", help="serve with --access-log")
    parser.add_argument("--warmup", type=int, default=2_000, help="requests before measuring")
    args = parser.parse_args(argv)

    queries = [q for q in (DATA / "sample_queries.txt").read_text("utf-8").splitlines() if q]
    extra = ["--access-log"] if args.access_log else []
    proc, host, port = _start(args.rules, extra)
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/readyz", timeout=60) as r:
            ready = json.load(r)
        if args.batch:
            path = "/v1/check/batch"
            bodies = [
                json.dumps(
                    {
                        "queries": [
                            {"query": queries[(i + j) % len(queries)], "locale": "en-GB"}
                            for j in range(args.batch)
                        ]
                    }
                ).encode()
                for i in range(len(queries))
            ]
        else:
            path = "/v1/check"
            bodies = [json.dumps({"query": q, "locale": "en-GB"}).encode() for q in queries]
        requests = [_request(host, path, b) for b in bodies]
        per = max(args.batch, 1)
        asyncio.run(_step(host, port, requests, concurrency=4, seconds=30.0, limit=args.warmup))
        print(
            f"interventions serve, rule set {ready['ruleset_version']}, {path}"
            f"{f' ({per} queries a request)' if args.batch else ''}, loopback, "
            f"{os.cpu_count()} CPUs shared by client and server"
        )
        print(
            f"{'conns':>5} {'requests':>9} {'req/s':>8} {'queries/s':>10} {'p50 ms':>7} "
            f"{'p99 ms':>7}"
        )
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            n, elapsed, lat = asyncio.run(
                _step(
                    host,
                    port,
                    requests,
                    concurrency=concurrency,
                    seconds=args.seconds,
                    limit=args.max_requests,
                )
            )
            print(
                f"{concurrency:5d} {n:9,d} {n / elapsed:8,.0f} {n * per / elapsed:10,.0f} "
                f"{_quantile(lat, 0.50) * 1e3:7.2f} {_quantile(lat, 0.99) * 1e3:7.2f}"
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
