# OpenPromo: `make run` starts the demo server, `make test` runs every check and test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/openpromo serve --demo

check: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

test: check
	$(BIN)/python -m pytest

# wrk (Debian package, 4.1) drives the load; installed here when missing and running as root.
# BENCH_LISTS_ONLY=1 runs only the large-lists cell, which needs no wrk (docs/performance.md).
bench: $(STAMP)
	@[ "$$BENCH_LISTS_ONLY" = 1 ] || command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	  else \
	    echo "make bench needs wrk (Debian package 'wrk'): run 'sudo apt-get install -y wrk' first" >&2; exit 1; \
	  fi; }
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache openpromo.db openpromo.db-wal openpromo.db-shm openpromo.db.lock
