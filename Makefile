# The two commands of a fresh machine:  make demo   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= demo-out
USERS  ?= 5000

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[scoring,dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/beautygraph demo --out $(DEMO_OUT) --users $(USERS)
	@echo "Open $(DEMO_OUT)/report.html"

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b --quick || exit 1; done

clean:
	rm -rf $(DEMO_OUT) beautygraph.lbdb* .pytest_cache
