# The two commands of the README: `make run` and `make test`.  Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: browser-deps run test lint typecheck eval eval-styles eval-forms eval-completeness eval-lists eval-scans bench schema clean system-deps office-deps

# pip speaks only when something fails (-qq: errors only; a package index the machine's pip configuration names
# but cannot reach is a warning, not news).
PIP := $(BIN)/python -m pip install -qq --disable-pip-version-check

$(BIN)/python:
	@echo "vnplan: creating the Python environment in $(VENV) ($$($(PYTHON) --version))"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python system-deps office-deps
	@echo "vnplan: installing vnplan and its Python libraries into $(VENV) (pdfplumber, pypdfium2, spaCy, underthesea,"
	@echo "        Prefect, Great Expectations, pyarrow...): a few minutes the first time, a few seconds after a change"
	@$(PIP) -e '.[test]'
	@touch $(STAMP)
	@echo "vnplan: installed"

# Debian packages vnplan uses, installed with apt-get where missing: as root directly, else with `sudo -n`;
# `apt-get update` only if the install fails (stale package lists).  $(1): what is missing, $(2): the packages.
define apt_install
	echo "vnplan: $(1) is missing: installing $(2) with apt-get (a minute or two)"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "make: cannot install $(2): not root and no password-less sudo;" \
		"run 'sudo apt-get install -y $(2)' and try again" >&2; exit 1; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "make: no apt-get here: install $(1) with this" \
		"system's package manager, then try again" >&2; exit 1; fi; \
	INSTALL="env DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --no-install-recommends $(2)"; \
	$$SUDO $$INSTALL >/dev/null || { $$SUDO apt-get update -qq && $$SUDO $$INSTALL >/dev/null; } || { \
		echo "make: apt-get could not install $(2) (see above)" >&2; exit 1; }
endef

# OCR of scanned PDFs needs tesseract and its Vietnamese data (Debian/Ubuntu: tesseract-ocr, tesseract-ocr-vie).
# Checked on every `make run`/`make test` (no stamp: a removed package is noticed; the check is one command).
OCR_PACKAGES := tesseract-ocr tesseract-ocr-vie

system-deps:
	@if tesseract --list-langs 2>&1 | grep -qx vie; then exit 0; fi; \
	$(call apt_install,tesseract with Vietnamese data (vie),$(OCR_PACKAGES)); \
	tesseract --list-langs 2>&1 | grep -qx vie || { \
		echo "make: tesseract still lists no Vietnamese data (vie) after the install" >&2; exit 1; }

# LibreOffice reads old Word (.doc), .rtf and .odt plans (extractors/office_reader.py) and prints the sample
# plans in other table drawing styles (`make eval-styles`, `make bench`), with Liberation Serif standing in for
# Times New Roman at the same metrics.  Checked on every `make run`/`make test`, like tesseract.
OFFICE_PACKAGES := libreoffice-writer-nogui fonts-liberation

office-deps:
	@if command -v soffice >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q "Liberation Serif"; then exit 0; fi; \
	$(call apt_install,LibreOffice (soffice) with the Liberation fonts,$(OFFICE_PACKAGES))

# The tests load vnplan's HTML pages in headless Chromium (tests/browser.py).  Installed where missing; where it
# cannot be (no apt-get, not root), `make test` goes on and those tests are skipped, saying why.
browser-deps:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi; \
	( $(call apt_install,Chromium (the browser the page tests use),chromium) ) || \
	echo "vnplan: Chromium could not be installed: the tests that open pages in a browser will be skipped"

run: $(STAMP)
	$(BIN)/vnplan run samples/ --out out/

test: $(STAMP) browser-deps
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

# Accuracy on the sample plans printed by LibreOffice in other table drawing styles (rules between rows only,
# booktabs, no rules, portrait, cells at the top): bench/table_styles.py.
eval-styles: $(STAMP) office-deps
	$(BIN)/python -m bench.table_styles

# Accuracy on the samples converted to Markdown (markitdown) and copied from a web page as text (bench/text_forms.py).
eval-forms: $(STAMP) office-deps
	@command -v pandoc >/dev/null 2>&1 || { $(call apt_install,pandoc,pandoc); }
	@$(BIN)/python -c "import markitdown, mammoth, pymupdf" >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.text_forms

# Accuracy on the samples with their typed "-"/"+" labels made Word bullet lists, as DOCX and as PDF.
eval-lists: $(STAMP) office-deps
	$(BIN)/python -m bench.word_lists_bench

# Completeness findings on the sample DOCX files with rows, a table, an agency section or a model taken out.
eval-completeness: $(STAMP)
	$(BIN)/python -m bench.completeness_bench

# Accuracy, review flags and seconds per page on the sample PDFs scanned at 150, 200 and 300 dpi (bench/scans.py).
eval-scans: $(STAMP)
	$(BIN)/python -m bench.scans --dpi 150,200,300

# Agency and deadline normalization (speed, accuracy on every gold cell/timeline: README figures), then the
# whole pipeline on this machine, written to BENCHMARKS.md (bench/pipeline_bench.py; e.g. BENCH_ARGS=--quick).
bench: $(STAMP) office-deps
	@$(BIN)/python -c "import markitdown, mammoth, pymupdf" >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.agency_bench
	$(BIN)/python -m bench.deadline_bench
	$(BIN)/python -m bench.pipeline_bench $(BENCH_ARGS)

schema: $(STAMP)
	$(BIN)/vnplan schema

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache *.egg-info
