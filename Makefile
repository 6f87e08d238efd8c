# The two commands of the README: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-browser lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

var/.demo-loaded: | $(STAMP)
	JIUJIN_DEMO=1 $(BIN)/jiujin demo-data
	touch $@

run: $(STAMP)
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
	@echo ""
	@# Visit tasks and reminders are kept current by a loop beside the web server (no broker needed).
	$(BIN)/jiujin schedule-visits --loop & loop=$$!; trap 'kill $$loop 2>/dev/null' EXIT INT TERM; \
	ALLOWED_HOSTS="$(HOST),127.0.0.1,localhost" $(BIN)/jiujin runserver --noreload $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/ruff check jiujin bench
	$(BIN)/pytest -m "not browser"
	@$(MAKE) --no-print-directory test-browser

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser" -x

test-browser: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then $(BIN)/pytest -m browser; \
	else echo "跳过浏览器测试：未找到 /usr/bin/chromium（Debian: apt-get install chromium）"; fi

lint: $(STAMP)
	$(BIN)/ruff check jiujin bench

typecheck: $(STAMP)
	$(BIN)/mypy jiujin

clean:
	rm -rf $(VENV) var/static
