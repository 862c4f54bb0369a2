# The HTTP service (docs/service.md): `interventions serve` on uvicorn, as an unprivileged user.
#
#   docker build -t interventions .
#   docker run --rm -p 8080:8080 interventions                      # the shipped rules
#   docker run --rm -p 8080:8080 -v "$PWD/rules:/rules:ro" interventions /rules --watch 5
#
# `make docker-smoke` (run by CI where a Docker engine is available) builds it and checks
# /readyz and /v1/check; tests/server/test_dockerfile.py checks what it refers to.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[server]'

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels 'interventions[server]' \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home interventions
COPY rules /srv/rules
# compiled at build time: the service starts without reading YAML or compiling
RUN interventions compile /srv/rules -o /srv/rules.irs
USER interventions
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=3)"]
ENTRYPOINT ["interventions", "serve", "--host=0.0.0.0", "--port=8080"]
CMD ["/srv/rules.irs"]
