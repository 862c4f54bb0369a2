#!/usr/bin/env bash
# Build the service image and check that it answers: /readyz, then a decision from /v1/check.
# Without a Docker engine (`docker info` fails) it says so and exits 0: CI runs it everywhere,
# and it tests the image where it can.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    echo "docker-smoke: skipped: no Docker engine here (docker info fails); see docs/service.md"
    exit 0
fi
tag="interventions-smoke:$$"
name="interventions-smoke-$$"
docker build -q -t "$tag" . >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true; docker rmi -f "$tag" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name" -p 127.0.0.1::8080 "$tag" >/dev/null
port=$(docker port "$name" 8080/tcp | head -1 | sed 's/.*://')
for _ in $(seq 60); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz"; echo
answer=$(curl -fsS -H 'content-type: application/json' -d '{"query": "#thinspo", "locale": "sv-SE"}' \
    "http://127.0.0.1:$port/v1/check")
case "$answer" in
    *'"action":"redirect"'*) echo "docker-smoke: ok: $(echo "$answer" | cut -c1-80)..." ;;
    *) echo "docker-smoke: unexpected answer: $answer"; docker logs "$name"; exit 1 ;;
esac
