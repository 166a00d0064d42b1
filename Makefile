# ILT Desk — the two set-up commands are `make run` and `make test`; both create .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres bench lint typecheck clean i18n screenshots package package-test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/iltdesk

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The same suite on a throwaway PostgreSQL server (team mode): started in a temporary folder
# on 127.0.0.1 (a free port, or PG_PORT), stopped and removed afterwards, whatever the
# outcome. Tests about the SQLite file itself are skipped there; tests/team runs only there.
PG_PORT ?=
test-postgres: $(STAMP)
	@dir=$$(mktemp -d /tmp/iltdesk-pg.XXXXXX); \
	url=$$(tools/pg-throwaway start $$dir/cluster $(PG_PORT)) || exit 1; \
	ILTDESK_TEST_DATABASE_URL=$$url QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest; \
	status=$$?; tools/pg-throwaway stop $$dir/cluster; rm -rf $$dir; exit $$status

# The Linux bundle (PyInstaller), .deb and .tar.gz in dist/; prints sizes and build time.
package: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[package,postgres]'
	$(BIN)/python installers/package.py

# Build from a clean clone in a fresh venv, self-test the bundle and the unpacked .deb, and
# check that an older user database is migrated after a backup (slow: about five minutes).
package-test: $(STAMP)
	$(BIN)/python installers/package_test.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench installers
	$(BIN)/ruff format --check src tests bench installers

typecheck: $(STAMP)
	$(BIN)/mypy

# Extract every translatable string and merge it into the catalogs (then translate the new ones).
i18n: $(STAMP)
	$(BIN)/pybabel extract -k _ -k N_ -k tr -k ngettext:1,2 --no-location --sort-output \
		--project "ILT Desk" --copyright-holder "ILT Desk" \
		-o src/iltdesk/locale/iltdesk.pot src/iltdesk
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -d src/iltdesk/locale -D iltdesk \
		-i src/iltdesk/locale/iltdesk.pot
	$(BIN)/pybabel compile --statistics -d src/iltdesk/locale -D iltdesk

# Offscreen renders of the main screens on demo data, into build/screenshots/.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m iltdesk.views.screenshots build/screenshots

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
