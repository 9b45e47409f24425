# bantin — the two commands of the quickstart are `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: venv run test lint schemas bench clean

$(BIN)/bantin: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[postgres,dev]'
	touch $(BIN)/bantin

venv: $(BIN)/bantin ## create the virtualenv and install bantin with its extras

run: venv ## offline demo: sample site → crawl → Kafka → extract → store → API (Ctrl-C stops)
	$(BIN)/bantin demo

test: venv ## lint, then the whole test suite (real broker, SQLite and PostgreSQL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

schemas: venv ## regenerate schemas/json from the Pydantic contracts
	$(BIN)/python -m schemas.export

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
