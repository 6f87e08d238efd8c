"""The settings write no files on import; the key comes from the environment, else from var/secret_key,
which the `jiujin` command (or `python -m jiujin.secretkey`) makes; gunicorn without either stops clearly."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jiujin.core.checks import check_shared_secret_key
from jiujin.secretkey import ensure_secret_key_file, read_secret_key

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def run(code: str, var: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Python in a process of its own, as outside pytest: no SECRET_KEY, no PYTEST_VERSION, its own VAR_DIR."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PYTEST_VERSION", "DATABASE_URL"}}
    clean |= {"JIUJIN_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "jiujin.settings", **env}
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_importing_the_settings_writes_nothing(tmp_path: Path) -> None:
    var = tmp_path / "host"
    done = run("import jiujin.settings as s; print(s.SECRET_KEY)", var, SECRET_KEY="from-the-environment")
    assert done.returncode == 0 and done.stdout.strip() == "from-the-environment"
    assert not var.exists()


def test_gunicorn_without_a_key_stops_and_says_what_to_do(tmp_path: Path) -> None:
    var = tmp_path / "host"
    done = run("import jiujin.wsgi", var)
    assert done.returncode != 0
    assert "没有 SECRET_KEY" in done.stderr and "deploy/env.example" in done.stderr
    assert str(var / "secret_key") in done.stderr
    assert not var.exists()


def test_the_jiujin_command_makes_the_key_once_and_everyone_reads_it(tmp_path: Path) -> None:
    var = tmp_path / "host"
    first = run("import sys; sys.argv = ['jiujin', 'version']; from jiujin.__main__ import main; main()", var)
    assert first.returncode == 0, first.stderr
    key_file = var / "secret_key"
    assert "已生成本机密钥" in first.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50
    again = run("import sys; sys.argv = ['jiujin', 'version']; from jiujin.__main__ import main; main()", var)
    assert again.returncode == 0 and "已生成" not in again.stderr
    served = run("import jiujin.wsgi; from django.conf import settings; print(settings.SECRET_KEY)", var)
    assert served.returncode == 0 and served.stdout.strip() == key == key_file.read_text().strip()


def test_the_key_is_made_by_hand_with_python_m(tmp_path: Path) -> None:
    var = tmp_path / "host"
    done = run("import runpy; runpy.run_module('jiujin.secretkey', run_name='__main__')", var)
    assert done.returncode == 0 and (var / "secret_key").exists()


def test_ensure_leaves_an_environment_key_or_an_existing_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIUJIN_VAR_DIR", str(tmp_path / "host"))
    monkeypatch.setenv("SECRET_KEY", "set")
    assert ensure_secret_key_file() is None and not (tmp_path / "host").exists()
    monkeypatch.delenv("SECRET_KEY")
    made = ensure_secret_key_file()
    assert made == tmp_path / "host" / "secret_key"
    key = made.read_text()
    assert ensure_secret_key_file() is None and made.read_text() == key
    assert read_secret_key() == key.strip()
    assert [p.name for p in made.parent.iterdir()] == ["secret_key"]  # nothing left aside


def test_the_deploy_check_warns_while_the_key_is_the_hosts_own(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert [w.id for w in check_shared_secret_key()] == ["jiujin.W001"]
    monkeypatch.setenv("SECRET_KEY", "the-same-on-every-host")
    assert check_shared_secret_key() == []
