# Lưu trữ số — build, test and run.
#
#   make install        system packages (root on Debian), .venv via uv, compiled messages
#   make demo           install, then serve the demo province
#   make test           install, lint, tests on SQLite, tests on PostgreSQL
#   make lint           ruff check, ruff format --check, mypy, the layer order (tools/layers.py)
#   make test-sqlite    pytest on the embedded SQLite database, in a fresh data dir
#   make test-postgres  pytest on $DATABASE_URL, or on a throwaway local cluster
#   make acceptance     the sample-outcome test, also over ../shared/samples when it exists
#   make fuzz           the package readers on many damaged inputs (FUZZ_EXAMPLES, default 500)
#   make bench          install, then write docs/benchmarks.md
#   make format         ruff format and ruff check --fix

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Targets run in the order written even under make -j: test = lint, then SQLite, then PostgreSQL.
.NOTPARALLEL:

export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)

VENV := .venv
PY := $(VENV)/bin/python
# The E-ARK validator lives in its own environment (see tools/eark/requirements.txt).
EARK_VENV := .venv-eark
# One pytest worker per core (pytest-xdist); a test class or module stays on one worker, so its
# shared setup runs once.
PYTEST := $(VENV)/bin/pytest -q -n auto --dist loadscope
RUFF := $(VENV)/bin/ruff

.PHONY: help install demo test lint test-sqlite test-postgres acceptance fuzz bench format

help:
	@sed -n '3,12s/^# \{0,1\}//p' Makefile

install:
	bash scripts/install-system.sh
	@if command -v uv >/dev/null 2>&1; then uv=uv; \
	elif [ -x "$$HOME/.local/bin/uv" ]; then uv="$$HOME/.local/bin/uv"; \
	else uv="python3 -m uv"; fi; \
	echo "$$uv sync --frozen --compile-bytecode --python python3.11"; \
	$$uv sync --frozen --compile-bytecode --python python3.11; \
	if [ ! -x $(EARK_VENV)/bin/python ] || ! cmp -s tools/eark/requirements.txt $(EARK_VENV)/requirements.txt; then \
		echo "$$uv venv $(EARK_VENV) (eark-validator, kept apart: it pins an lxml pyHanko refuses)"; \
		rm -rf $(EARK_VENV); \
		$$uv venv --quiet --python python3.11 $(EARK_VENV); \
		$$uv pip install --quiet --python $(EARK_VENV)/bin/python --require-hashes -r tools/eark/requirements.txt; \
		cp tools/eark/requirements.txt $(EARK_VENV)/requirements.txt; \
	fi
	@# Bytecode written now, so that no command compiles its sources at each start (about 1 s
	@# where PYTHONDONTWRITEBYTECODE is set, as on our build machines; issue 22).
	$(PY) -m compileall -q -j 0 luutru
	@if find . -path ./$(VENV) -prune -o -type d -name locale -print -quit | grep -q .; then \
		echo "$(VENV)/bin/luutru compilemessages --ignore=$(VENV) --ignore=$(EARK_VENV)"; \
		$(VENV)/bin/luutru compilemessages --ignore=$(VENV) --ignore=$(EARK_VENV); \
	fi

demo: install
	$(VENV)/bin/luutru demo

test: install lint test-sqlite test-postgres

# All four checks run; the target fails if any of them did.
lint:
	@status=0; \
	echo "$(RUFF) check ."; $(RUFF) check . || status=1; \
	echo "$(RUFF) format --check ."; $(RUFF) format --check . || status=1; \
	echo "$(VENV)/bin/mypy luutru"; $(VENV)/bin/mypy luutru || status=1; \
	echo "$(PY) tools/layers.py"; $(PY) tools/layers.py || status=1; \
	exit $$status

test-sqlite:
	@data="$$(mktemp -d "$${TMPDIR:-/tmp}/luutru-test-sqlite.XXXXXX")"; \
	trap 'rm -rf "$$data"' EXIT; \
	echo "pytest on SQLite (LUUTRU_DATA_DIR=$$data)"; \
	env -u DATABASE_URL LUUTRU_DATA_DIR="$$data" $(PYTEST)

# With DATABASE_URL set, that database is used as it is. Otherwise a throwaway cluster is
# started for the run and removed afterwards, whatever pytest's outcome; pytest's exit code is
# the target's.
test-postgres:
	@data="$$(mktemp -d "$${TMPDIR:-/tmp}/luutru-test-pg.XXXXXX")"; \
	if [ -n "$${DATABASE_URL:-}" ]; then \
		trap 'rm -rf "$$data"' EXIT; \
		url="$$DATABASE_URL"; \
	else \
		trap 'bash scripts/pg-test-cluster.sh stop; rm -rf "$$data"' EXIT; \
		bash scripts/pg-test-cluster.sh start; \
		url="$$(bash scripts/pg-test-cluster.sh url)"; \
	fi; \
	echo "pytest on PostgreSQL (…@$${url##*@}, LUUTRU_DATA_DIR=$$data)"; \
	DATABASE_URL="$$url" LUUTRU_DATA_DIR="$$data" $(PYTEST)

# The acceptance set beside the repository (read-only, not every clone has it) runs through
# the same outcome checks as tests/data/samples, in a fresh data dir.
ACCEPTANCE_SAMPLES := ../shared/samples

acceptance:
	@if [ ! -d $(ACCEPTANCE_SAMPLES) ]; then \
		echo "$(ACCEPTANCE_SAMPLES) does not exist: no acceptance set to run, nothing done"; \
		exit 0; \
	fi; \
	data="$$(mktemp -d "$${TMPDIR:-/tmp}/luutru-acceptance.XXXXXX")"; \
	trap 'rm -rf "$$data"' EXIT; \
	echo "pytest luutru/ingest/tests/test_samples.py (LUUTRU_EXTRA_SAMPLES=$(ACCEPTANCE_SAMPLES))"; \
	env -u DATABASE_URL LUUTRU_DATA_DIR="$$data" LUUTRU_EXTRA_SAMPLES="$(ACCEPTANCE_SAMPLES)" \
		$(PYTEST) luutru/ingest/tests/test_samples.py

# The same property tests as in the suite (a few fixed examples there), with many random ones:
# every crash hypothesis prints becomes a regression test in that module.
FUZZ_EXAMPLES ?= 500
fuzz:
	@data="$$(mktemp -d "$${TMPDIR:-/tmp}/luutru-fuzz.XXXXXX")"; \
	trap 'rm -rf "$$data"' EXIT; \
	echo "pytest luutru/ingest/tests/test_fuzz_readers.py (FUZZ_EXAMPLES=$(FUZZ_EXAMPLES))"; \
	env -u DATABASE_URL LUUTRU_DATA_DIR="$$data" FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(VENV)/bin/pytest -q -p no:logging -n auto luutru/ingest/tests/test_fuzz_readers.py

bench: install
	$(PY) bench/run.py

format:
	$(RUFF) format .
	$(RUFF) check --fix .
