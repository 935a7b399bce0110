# KI-Register: `make run` sets everything up and serves the demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The PostgreSQL and Redis the second test run uses; override for another machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ki_register
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The PostgreSQL leg's Redis database: both legs run at once in `make test`, and each test
# process's Celery queue is named after its xdist worker.
TEST_POSTGRES_REDIS_URL ?= redis://127.0.0.1:6379/14
# Test processes per leg (pytest-xdist); each has its own test database and Celery queue.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) -p no:cacheprovider

.PHONY: run install check test test-sqlite test-postgres test-scaleout scaleout-up migration-baseline lint typecheck messages bench bench-personas bench-write clean

# The address the demo serves; links in its mails point there (SITE_URL).
RUN_ADDRESS ?= 127.0.0.1:8000

run: install
	$(MANAGE) migrate --noinput
	SITE_URL=http://$(RUN_ADDRESS) $(MANAGE) load_demo
	SITE_URL=http://$(RUN_ADDRESS) $(MANAGE) runserver $(RUN_ADDRESS)

install: $(VENV)/.installed node_modules/.package-lock.json

# KERN UX (the administration's design system) is served from node_modules by staticfiles.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory typecheck
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef DJANGO_ALLOWED_HOSTS=ki-register.example REDIS_URL=redis://127.0.0.1:6379/0 CACHE_URL=redis://127.0.0.1:6379/1 $(MANAGE) check --deploy --fail-level WARNING

typecheck: install
	$(BIN)/mypy accounts registry ledger evidence incidents governance maturity workspace portfolio interop config bench safejson operations tools

# The tests' OpenID Connect provider (npm oidc-provider), installed from its lock file.
IDP_MODULES := tests/idp/node_modules/.package-lock.json
$(IDP_MODULES): tests/idp/package-lock.json tests/idp/package.json
	npm ci --prefix tests/idp --no-audit --no-fund
	touch $@

test-sqlite: install $(IDP_MODULES)
	DATABASE_URL= REDIS_URL=$(TEST_REDIS_URL) $(PYTEST)

test-postgres: install $(IDP_MODULES)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)'.replace('/ki_register','/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_POSTGRES_REDIS_URL) $(PYTEST); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL), and CI requires it."; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL is not reachable at $(TEST_DATABASE_URL); the suite ran on SQLite only."; \
	fi

# The scale-out environment (tests/scaleout/environment.py): PostgreSQL through a proxy, its own
# Redis, two gunicorn behind nginx, two Celery workers and a beat, production settings; then
# the tests that kill its parts. Needs nginx, redis-server and the PostgreSQL at TEST_DATABASE_URL.
test-scaleout: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)'.replace('/ki_register','/postgres'), connect_timeout=3).close()" 2>/dev/null \
		&& command -v redis-server >/dev/null && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then \
		SCALEOUT=1 SCALEOUT_DATABASE_SERVER=$(subst /ki_register,/postgres,$(TEST_DATABASE_URL)) \
			$(BIN)/pytest -n 0 -p no:cacheprovider -o timeout=1200 tests/scaleout; \
	elif [ -n "$$CI" ]; then \
		echo "The scale-out tests need PostgreSQL at $(TEST_DATABASE_URL), redis-server and nginx; CI requires them."; exit 1; \
	else \
		echo "SKIPPED: the scale-out tests need PostgreSQL at $(TEST_DATABASE_URL), redis-server and nginx."; \
	fi

# At a release: its migrations become "released" (tests/test_migration_compatibility.py).
migration-baseline: install
	(echo "# Migrations of the released versions; a new release appends its own (make migration-baseline)."; \
	 find */migrations -name '0*.py' \
	 | sed -E 's|^([a-z_]+)/migrations/(.*)\.py$$|\1.\2|' | sort) > deploy/migrations-released.txt

scaleout-up: install
	SCALEOUT_DATABASE_SERVER=$(subst /ki_register,/postgres,$(TEST_DATABASE_URL)) \
		$(BIN)/python -m tests.scaleout.environment up

# The test command of README: every check, then the suite on SQLite and on PostgreSQL at the
# same time (much of a leg waits on browsers, servers and workers; each leg's output is
# printed when it ends), then the scale-out environment's failure tests.
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory test-scaleout

messages: install
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench
	$(MANAGE) compilemessages -l en --ignore=.venv

# The benchmark (README "Benchmark"): loads tier S, M or L into its own PostgreSQL database
# (created when missing) and writes bench/results/$(TIER).json and .md.
TIER ?= S
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ki_register_bench
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run --tier $(TIER)

# The signed-in personas of issue 16 against a database that holds the tier (bench/personas.py).
LABEL ?= latest
bench-personas: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.personas --tier $(TIER) --label $(LABEL)

# The write path (bench/write.py) against a database that holds the tier; it writes into it
# (use a clone), and needs Redis (BENCH_REDIS_DB) for its Celery workers.
BENCH_REDIS_DB ?= 12
BENCH_WRITE_ARGS ?=
bench-write: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_DB=$(BENCH_REDIS_DB) $(BIN)/python -m bench.write --tier $(TIER) $(BENCH_WRITE_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
