# Two commands do all the set-up on a fresh machine: `make site` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

.PHONY: site serve test bench
site: $(BIN)/.installed
	$(BIN)/digest build
	@echo
	@echo "Browse the digest:  $(BIN)/mkdocs serve   then open http://127.0.0.1:8000/"
	@echo "(site/ is plain static files: any web server shows it, e.g. python3 -m http.server -d site)"

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q

bench: $(BIN)/.bench-installed
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/related.py
	$(BIN)/python bench/linking_scale.py
	$(BIN)/python bench/render_cost.py
