# bantin — the two commands of the quickstart are `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: venv run test test-fast lint typecheck schemas bench bench-queries clean

$(BIN)/bantin: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[postgres,local,dev]'
	touch $(BIN)/bantin

venv: $(BIN)/bantin ## create the virtualenv and install bantin with its extras

run: venv ## offline demo: sample site → crawl → Kafka → extract → store → API (Ctrl-C stops)
	$(BIN)/bantin demo

# The suite mostly waits on brokers, databases and child processes, so it runs in more parallel
# processes (pytest-xdist) than there are cores; each worker starts its own local broker, and idle
# workers take queued tests from busy ones (worksteal), so one long test does not hold up the end.
TEST_WORKERS ?= 6

test: lint typecheck ## lint, type-check, then the whole test suite (real broker, SQLite and PostgreSQL)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

test-fast: venv ## the tests that need no broker, no PostgreSQL and no child process (< 1 min)
	$(BIN)/pytest -m "not integration and not slow" -q

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: venv ## mypy, configured in pyproject.toml
	$(BIN)/mypy

bench: venv ## the README's benchmark figures, except the 1M-event query run (make bench-queries)
	$(BIN)/python bench/crawl.py --articles 1000 --repeat 3
	$(BIN)/python -m bench.extract --n 300
	$(BIN)/python -m bench.storage --n 40000 --max-records 2000
	$(BIN)/python -m bench.faults --good 1000 --raw 2000 --events 500
	$(BIN)/python -m bench.e2e --split

bench-queries: venv ## query latency on 1M events, SQLite and PostgreSQL (fills for ~15 min)
	$(BIN)/python -m bench.storage_queries --n 1000000

schemas: venv ## regenerate schemas/json from the Pydantic contracts
	$(BIN)/python -m schemas.export

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
