# Two commands for a fresh machine:  `make run` (the app)  and  `make test` (the whole suite).
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# Without sign-in set up (.streamlit/secrets.toml) the app refuses any address but loopback and any
# host name but localhost and 127.0.0.1; with it, ADDRESS=0.0.0.0 HOSTS="the names people use"
# serves the network (a tunnel or proxy in front of local mode would expose it: set up sign-in).
ADDRESS ?= 127.0.0.1
HOSTS ?=
PYTHON ?= python3

.PHONY: run test bench load audit sbom schema cli-docs demo clean-db

# The first run takes a while to install: each step says what it is doing, and pip shows each
# package as it is downloaded and installed (with a progress bar in a terminal).
$(VENV)/.installed: requirements.txt
	@echo "==> Creating the virtual environment in $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Upgrading pip in $(VENV)"
	$(PY) -m pip install --quiet --upgrade pip
	@echo "==> Installing the app's packages from requirements.txt"
	$(PY) -m pip install --progress-bar on -r requirements.txt
	@echo "==> Installed into $(VENV)"
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	@echo "==> Installing the test packages from requirements-test.txt"
	$(PY) -m pip install --progress-bar on -r requirements-test.txt
	touch $@

## Install into .venv and start the app on the embedded default (SQLite, NPS 2018, example data).
run: $(VENV)/.installed
	@if [ "$(ADDRESS)" != "127.0.0.1" ] && [ "$(ADDRESS)" != "localhost" ] && [ -z "$(HOSTS)" ]; then \
	  echo 'say which host names people use to reach the app: make run ADDRESS=$(ADDRESS) HOSTS="assessment.council.gov.uk"'; \
	  exit 2; fi
	$(PY) -m streamlit run app.py --server.headless=true --server.address=$(ADDRESS) --server.port=$(PORT) \
	  --browser.gatherUsageStats=false $(foreach host,$(HOSTS),--server.allowedHosts=$(host))

## Install test packages and system packages (PostgreSQL, ...) if missing, then run every test.
test: $(VENV)/.test-installed
	bash scripts/test.sh

## Benchmarks (not part of the tests): ratios against floors measured in the same run.
bench: $(VENV)/.test-installed
	$(PY) -m bench

## Many people at once (not part of the tests): make load ARGS="--sessions 1,5,10,20 --processes 1"
## (--proxy: each measured again through Caddy, deploy/Caddyfile; docs/benchmarks.md)
## (--round: 30 people answering a respondent round through their links, a save every 10 s on average)
load: $(VENV)/.test-installed
	$(PY) -m bench.load $(ARGS)

## pip-audit over the pinned requirements (not part of `make test`); says plainly if it cannot check.
AUDIT_VENV ?= .venv-audit
$(AUDIT_VENV)/.installed: requirements-audit.txt
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet -r requirements-audit.txt
	touch $@

audit: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/python scripts/audit.py

## A CycloneDX SBOM (JSON) of the pinned requirements (requirements.txt), written to $(SBOM) by
## cyclonedx-py in its own .venv-sbom (tests/test_sbom.py runs it, and needs PyPI the first time).
SBOM_VENV ?= .venv-sbom
SBOM ?= sbom/assessment.cdx.json
$(SBOM_VENV)/.installed: requirements-sbom.txt
	$(PYTHON) -m venv $(SBOM_VENV)
	$(SBOM_VENV)/bin/python -m pip install --quiet -r requirements-sbom.txt
	touch $@

sbom: $(SBOM_VENV)/.installed
	mkdir -p $(dir $(SBOM))
	$(SBOM_VENV)/bin/cyclonedx-py requirements requirements.txt --of JSON --sv 1.6 -o $(SBOM)
	@echo "wrote $(SBOM)"

## Regenerate frameworks/schema.json from the pydantic models.
schema: $(VENV)/.installed
	$(PY) -m assessment schema

## Write docs/cli.md again from the command line's --help, and the tree of assessment/ in docs/architecture.md
## (tests/test_docs.py fails when either is stale).
cli-docs: $(VENV)/.installed
	$(PY) scripts/cli_reference.py
	$(PY) scripts/layout_tree.py --write

## Load the example records into the configured database.
demo: $(VENV)/.installed
	$(PY) -m assessment demo

clean-db:
	rm -f data/assessment.db
