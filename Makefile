# The two commands of the README: `make run` and `make test`.  Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck eval bench schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/vnplan run samples/ --out out/

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# Accuracy against the gold files, each format on its own (the figures of the README).
eval: $(STAMP)
	@for fmt in txt docx pdf; do \
		rm -rf out/eval-$$fmt; mkdir -p out/eval-$$fmt/in; \
		cp samples/*.$$fmt out/eval-$$fmt/in/; \
		$(BIN)/vnplan run out/eval-$$fmt/in --out out/eval-$$fmt/dataset > /dev/null; \
		echo "=== $$fmt ==="; \
		$(BIN)/vnplan eval --gold tests/fixtures/gold --pred out/eval-$$fmt/dataset; \
	done

# Agency and deadline normalization: speed, and accuracy on every gold cell/timeline (README figures).
bench: $(STAMP)
	$(BIN)/python benchmarks/agency_bench.py
	$(BIN)/python benchmarks/deadline_bench.py

schema: $(STAMP)
	$(BIN)/vnplan schema

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache *.egg-info
