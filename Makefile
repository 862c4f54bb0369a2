# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-slow test-spark lint typecheck pytest bench fuzz docker-smoke clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(BIN)/.dev-installed: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

$(BIN)/.spark-installed: $(BIN)/.dev-installed
	$(BIN)/python -m pip install -q -e '.[spark]'
	touch $@

$(BIN)/.bench-installed: $(BIN)/.dev-installed
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

demo: $(BIN)/.installed
	@printf '%s\n' \
	  '#thinspo|sv-SE' \
	  'th1nsp0oo|en-US' \
	  'jak pomóc ofierze przemocy domowej|pl-PL' \
	  'hjälp mot ätstörning|sv-SE' \
	  'how to help a friend with anorexia|en-GB' \
	  'banana bread|en-US' \
	  'Anaheim hotels|en-US' \
	| while IFS='|' read -r q loc; do \
	    echo "\$$ interventions check '$$q' --locale $$loc"; \
	    $(BIN)/interventions check "$$q" --locale "$$loc" || exit 1; echo; \
	  done
	@echo "\$$ interventions check 'th1nsp0oo' --explain"
	@$(BIN)/interventions check 'th1nsp0oo' --explain

lint: $(BIN)/.dev-installed
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(BIN)/.dev-installed
	$(BIN)/mypy

pytest: $(BIN)/.dev-installed
	$(BIN)/pytest -n 2 --dist worksteal -m "not slow and not spark"

test: lint typecheck pytest

# The quality sweeps marked `slow` (tests/quality, the full differential and wordfreq sweeps):
# minutes on a 2-core machine, so not in `make test`; CI runs both.
test-slow: $(BIN)/.dev-installed
	$(BIN)/pytest -n 2 --dist worksteal -m slow

# The Spark local-mode tests (tests/spark, marked `spark`): pyspark from the spark extra and a
# JVM (Java 17); about 3 minutes on a 2-core machine, so a step of their own; CI runs it.
test-spark: $(BIN)/.spark-installed
	$(BIN)/pytest -m spark

bench: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/throughput.py

# 10^6 hostile queries (benchmarks/fuzz.py) on 2 processes: no exception, a decision for each, the
# memo and full paths agree; times reported, only a gross one (> 1 s) fails. Not part of `test`.
fuzz: $(BIN)/.dev-installed
	$(BIN)/python benchmarks/fuzz.py -n 1000000 --jobs 2

# Build the service's image and check it answers (docs/service.md); says "skipped" and passes
# where no Docker engine runs.
docker-smoke:
	bash tools/docker_smoke.sh

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
