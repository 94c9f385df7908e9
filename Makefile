# duban: every workflow is one command. `make run` and `make test` install what they need first.
SHELL := /bin/bash
VENV := .venv/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
WORKERS ?= auto

.PHONY: install run serve test test-pg e2e lint format bench messages check-deploy clean

install:
	@bash scripts/bootstrap.sh

run: install
	$(VENV)/duban migrate --noinput
	$(VENV)/duban demo
	@bash scripts/run.sh

serve: install
	@bash scripts/run.sh

test: install
	$(VENV)/pytest -n $(WORKERS) -q $(PYTEST_ARGS)

test-pg: install
	@bash scripts/ensure_postgres.sh
	DATABASE_URL=$(PG_URL) $(VENV)/pytest -n $(WORKERS) -q $(PYTEST_ARGS)

e2e: install
	$(VENV)/pytest -n $(WORKERS) -q -m e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/python scripts/check_messages.py
	$(VENV)/duban makemigrations --check --dry-run
	$(VENV)/duban check
	@bash scripts/check_deploy.sh

format: install
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .

messages: install
	$(VENV)/duban makemessages -l zh_Hans --no-obsolete --no-location -i ".venv/*" -i "var/*" -i "docparse/*" -i "bench/*" -i "tests/*" -i "static/*" -i "test-artifacts/*"
	$(VENV)/duban compilemessages -l zh_Hans -i ".venv" -i "var"

bench: install
	$(VENV)/python bench/run.py

check-deploy: install
	@bash scripts/check_deploy.sh

clean:
	rm -rf .venv var/tools test-artifacts
