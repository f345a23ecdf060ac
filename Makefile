# The two commands of a fresh machine:  make demo   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= demo-out
USERS  ?= 5000

.PHONY: install demo test test-neo4j lint bench layout clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[scoring,dev,spark]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/beautygraph demo --out $(DEMO_OUT) --users $(USERS)
	@echo "Open $(DEMO_OUT)/report.html"

test: $(STAMP)
	$(BIN)/pytest -q

# The suite on your own Neo4j 5 server too (e.g. `docker compose up -d`, see the README):
#   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... make test-neo4j
test-neo4j: $(STAMP)
	@test -n "$$NEO4J_URI" || { echo "set NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD) first"; exit 2; }
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

# headless-Chromium layout check of the demo report (1,200 px window and A4 page)
layout: $(STAMP)
	$(BIN)/python -m beautygraph.layout_check $(DEMO_OUT)/report.html

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b --quick || exit 1; done

clean:
	rm -rf $(DEMO_OUT) beautygraph.lbdb* .pytest_cache
