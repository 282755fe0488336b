# Quick start: `make run` (demo site + API + partner page) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PARTNER_PORT ?= 8001
MAIL_PORT ?= 1025
INBOX_PORT ?= 8025
SITE_URL := http://$(HOST):$(PORT)

.PHONY: run test lint bench venv clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo_content --site-url $(SITE_URL) \
		--partner-origin http://$(HOST):$(PARTNER_PORT) --partner-origin http://localhost:$(PARTNER_PORT)
	@echo
	@echo "  Petition page (en):   $(SITE_URL)/stop-spyware/"
	@echo "  Petition page (fr):   $(SITE_URL)/fr/stop-spyware/"
	@echo "  API:                  $(SITE_URL)/api/v1/petitions/"
	@echo "  Live count:           $(SITE_URL)/api/v1/petitions/stop-spyware/count/"
	@echo "  Partner demo page:    http://$(HOST):$(PARTNER_PORT)/   (another origin, embeds the widget)"
	@echo "  Wagtail admin:        $(SITE_URL)/admin/   login: admin / petitions-demo"
	@if [ -z "$$EMAIL_HOST" ]; then \
	  echo "  Demo inbox:           http://$(HOST):$(INBOX_PORT)/   (mails the site sends: sign, then confirm from here)"; \
	else echo "  Mail goes to:         $$EMAIL_HOST:$${EMAIL_PORT:-25}"; fi
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py serve_partner_demo --host $(HOST) --port $(PARTNER_PORT) --site-url $(SITE_URL) & \
	if [ -z "$$EMAIL_HOST" ]; then \
	  $(PY) manage.py mail_catcher --host $(HOST) --port $(MAIL_PORT) --web-port $(INBOX_PORT) & \
	fi; \
	EMAIL_PORT=$${EMAIL_PORT:-$(MAIL_PORT)} $(PY) manage.py db_worker --interval 0.5 -v0 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v1

test: lint
	$(PY) -m pytest -n 2 --dist loadgroup -q

# Load test of the production server (PostgreSQL + Redis, gunicorn, wrk); not part of `make test`. See bench/run.py.
# Drops and recreates BENCH_DATABASE_URL's database (default petitions_bench) and flushes BENCH_REDIS_URL's db.
bench: venv
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
