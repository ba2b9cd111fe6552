# The two set-up commands of the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench venv browser messages compilemessages clean lock

# requirements*.txt pin what we ask for; requirements-lock.txt pins everything installed, indirect packages too.
$(BIN)/.installed: requirements.txt requirements-dev.txt requirements-lock.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt -c requirements-lock.txt
	touch $@

# After changing a pin in requirements*.txt: resolve from scratch in a throw-away venv and rewrite the lock.
lock:
	rm -rf var/lock-venv && $(PY) -m venv var/lock-venv
	var/lock-venv/bin/pip install -q -r requirements-dev.txt
	{ echo "# Every package of the dev install, indirect ones included. Written by \`make lock\`; do not edit."; \
	  var/lock-venv/bin/pip freeze; } > requirements-lock.txt
	rm -rf var/lock-venv

venv: $(BIN)/.installed

# Debian's Chromium and a CJK font for the browser tests (Playwright cannot download browsers here),
# LibreOffice for the report's print test, GNU gettext for the catalogues (README "Translations").
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wenquanyi || ! command -v soffice >/dev/null || ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -q && apt-get install -y -q chromium fonts-wqy-zenhei libreoffice-calc-nogui gettext) >/dev/null || echo "chromium install failed: browser tests will be skipped"; \
	  else echo "no root/apt-get: browser tests will be skipped"; fi; \
	fi

# Brings up the portal with a realistic demo city on the embedded default (SQLite, in-process tasks).
# Re-running it reseeds the demo city from scratch (seed_demo --reset).
demo: venv compilemessages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo --reset
	$(BIN)/python manage.py compute_metrics --all
	$(BIN)/python manage.py review_demo
	@echo "门户 http://$(HOST):$(PORT)/  登录 bureau | college | enterprise | agency | dept_fgw 等责任单位，密码 Demo@2026portal（见上方 seed_demo 输出）"
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

# Runs the whole suite. PostgreSQL and a Redis-brokered worker when DATABASE_URL and
# CELERY_BROKER_URL are set (CI sets both); otherwise SQLite, broker tests skipped with the reason.
test: venv browser compilemessages
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The English catalogues from the Chinese source strings (README "Translations"): then translate every
# empty or fuzzy msgstr it leaves, and run `make compilemessages` (tests/test_translations.py lists them).
messages: venv
	$(BIN)/python manage.py makemessages -l en
	$(MAKE) compilemessages

# The .mo files are committed (a release needs no gettext) and rebuilt here, so CI tests what the .po say.
compilemessages: venv
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Province-scale benchmark on PostgreSQL (README "Performance"): DATABASE_URL, else a local `bench` database
# (created and seeded once). Prints one JSON object, also written to bench-results/latest.json.
bench: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench} $(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
