# The two commands of the README: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# Every package, pinned with its hashes, for Python 3.11+ on any platform: base = runtime (what a server and
# the wheelhouse get), dev = runtime + the `dev` extra (what `make test` and CI run). `make lock` writes them.
LOCKS := requirements/base.lock requirements/dev.lock
# The browser packages (the check-in's QR reader), from npm as package-lock.json pins them; settings.py serves
# them from node_modules/ as static files. Needs Node.js 20+ with npm.
NODE_STAMP := node_modules/.installed

.PHONY: run test test-fast test-browser lint typecheck bench clean lock wheelhouse

# The project itself goes in editable and without dependencies: everything else comes from the lock, and
# setuptools (its build backend) is in the lock too, so no build step reaches the network.
$(STAMP): pyproject.toml $(LOCKS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; \
	  echo "依赖与 pyproject.toml 不一致：维护者运行 make lock (the locks are out of date: run make lock)" >&2; exit 1; }
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "未找到 npm：请安装 Node.js 20 及 npm（Debian: apt-get install nodejs npm）" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/.demo-loaded: | $(STAMP)
	JIUJIN_DEMO=1 $(BIN)/jiujin demo-data
	touch $@

run: $(STAMP) $(NODE_STAMP)
	$(BIN)/jiujin migrate --no-input -v0
	$(BIN)/jiujin collectstatic --no-input -v0
	$(MAKE) --no-print-directory var/.demo-loaded
	@echo ""
	@echo "就近 已启动: http://$(HOST):$(PORT)/   (演示账号密码均为 jiujin-demo)"
	@echo "  demo-admin        系统管理员"
	@echo "  demo-district     区老干部局（一个区）"
	@echo "  demo-street       街道（一个街道）"
	@echo "  demo-community-a  社区工作人员（社区A）"
	@echo "  demo-community-b  社区工作人员（社区B，与A同属一个街道）"
	@echo "  demo-volunteer    志愿者（社区A）"
	@echo "  demo-workunit     原单位老干部工作联系人（只见本单位离退休人员的意见建议）"
	@echo ""
	@# Visit tasks and reminders are kept current by a loop beside the web server (no broker needed).
	$(BIN)/jiujin schedule-visits --loop & loop=$$!; trap 'kill $$loop 2>/dev/null' EXIT INT TERM; \
	ALLOWED_HOSTS="$(HOST),127.0.0.1,localhost" $(BIN)/jiujin runserver --noreload $(HOST):$(PORT)

# The gates first (lint, format, types, migrations, import layers), then the suite on both cores. CI runs
# `make test` twice (SQLite, then PostgreSQL): the slow tests run once, on the PostgreSQL pass.
SLOW ?= $(if $(DATABASE_URL),1,)
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check jiujin bench deploy
	$(BIN)/ruff format --check jiujin bench deploy
	@$(BIN)/python -m jiujin.secretkey  # mypy loads the settings: a fresh checkout's key first
	$(BIN)/mypy jiujin
	$(BIN)/jiujin makemigrations --check --dry-run -v1
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n auto -m "not browser$(if $(SLOW),, and not slow)"
	@$(MAKE) --no-print-directory test-browser

test-fast: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -m "not browser" -x

test-browser: $(STAMP) $(NODE_STAMP)
	@if [ -x /usr/bin/chromium ]; then $(BIN)/pytest -m browser; \
	else echo "跳过浏览器测试：未找到 /usr/bin/chromium（Debian: apt-get install chromium）"; fi

lint: $(STAMP)
	$(BIN)/ruff check jiujin bench deploy

typecheck: $(STAMP)
	@$(BIN)/python -m jiujin.secretkey
	$(BIN)/mypy jiujin

# For maintainers: re-resolve the locks after changing pyproject.toml. Existing pins are kept unless
# UPGRADE=1 (everything) or UPGRADE_PACKAGE=django (one package). uv runs from a throwaway venv; neither
# `make run` nor `make test` needs it. dev.lock is constrained by base.lock: CI tests the runtime pins.
UV_VERSION ?= 0.13.9
UV_COMPILE = --quiet --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade) $(if $(UPGRADE_PACKAGE),--upgrade-package $(UPGRADE_PACKAGE))
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && "$$tmp/bin/pip" install -q "uv==$(UV_VERSION)" && \
	"$$tmp/bin/uv" pip compile $(UV_COMPILE) pyproject.toml requirements/build.in -o requirements/base.lock && \
	"$$tmp/bin/uv" pip compile $(UV_COMPILE) pyproject.toml requirements/build.in --extra dev \
	  -c requirements/base.lock -o requirements/dev.lock
	@echo "requirements/base.lock: $$(grep -c '^[a-z]' requirements/base.lock) packages," \
	  "requirements/dev.lock: $$(grep -c '^[a-z]' requirements/dev.lock)"

# Every wheel of a lock (and the project's own wheel) in wheelhouse/, to carry to a server without internet.
# Build it for the target, which need not be this machine: ARCH is its machine (x86_64, aarch64), GLIBC its C
# library (`ldd --version`; 2.28 = Kylin V10, UOS 20, openEuler, RHEL 8, Debian 10 and later: Pillow no longer
# ships wheels for CentOS 7's 2.17), PY its Python (311, 312, ...). pip matches the platform tags exactly, so
# PLATFORM lists every manylinux up to GLIBC. The lock's markers are dropped for the download: wheels needed only
# by some Python releases (e.g. async-timeout before 3.11.3) are there too, and the target's pip picks. SDIST_ONLY
# (comma-separated) are pure-Python packages published only as source: their archive (the file the lock's hash
# is for) goes in, and the target's pip builds it with the wheelhouse's setuptools and wheel.
# LOCK=requirements/dev.lock carries the test tools as well. node_modules/ (npm ci) goes across with the source tree:
# the server's collectstatic takes the QR reader from it (JIUJIN_NODE_MODULES).
ARCH ?= x86_64
GLIBC ?= 2.28
PY ?= 311
PLATFORM ?= manylinux2014_$(ARCH) \
	$(foreach m,$(shell seq 17 $(word 2,$(subst ., ,$(GLIBC)))),manylinux_2_$(m)_$(ARCH))
LOCK ?= requirements/base.lock
WHEELHOUSE ?= wheelhouse
SDIST_ONLY ?= lunar-python
wheelhouse: $(STAMP) $(NODE_STAMP)
	rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	sed -E 's/^([A-Za-z0-9._-]+==[^ ;]+) ;[^\\]*/\1 /' $(LOCK) > $(WHEELHOUSE)/.download.txt
	$(BIN)/pip download -q --require-hashes --no-deps --only-binary=:all: --no-binary=$(SDIST_ONLY) \
	  $(addprefix --platform ,$(PLATFORM)) --python-version $(PY) --implementation cp \
	  -r $(WHEELHOUSE)/.download.txt -d $(WHEELHOUSE)
	rm -f $(WHEELHOUSE)/.download.txt
	$(BIN)/pip wheel -q --no-deps --no-build-isolation -w $(WHEELHOUSE) .
	rm -rf build
	cp $(LOCK) $(WHEELHOUSE)/
	@echo "$(WHEELHOUSE)/: $$(ls $(WHEELHOUSE) | wc -l) files, $$(du -sh $(WHEELHOUSE) | cut -f1)"

clean:
	rm -rf $(VENV) var/static node_modules
