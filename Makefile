# KI-Register: `make run` sets everything up and serves the demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The PostgreSQL and Redis the second test run uses; override for another machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ki_register
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run install check test test-sqlite test-postgres lint messages bench clean

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy accounts registry governance config
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef DJANGO_ALLOWED_HOSTS=ki-register.example $(MANAGE) check --deploy --fail-level WARNING

test-sqlite: install
	DATABASE_URL= REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)'.replace('/ki_register','/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL), and CI requires it."; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL is not reachable at $(TEST_DATABASE_URL); the suite ran on SQLite only."; \
	fi

# The test command of README: every check, then the suite on SQLite and on PostgreSQL.
test: lint test-sqlite test-postgres

messages: install
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules
	$(MANAGE) compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
