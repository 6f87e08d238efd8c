"""The signing key (SECRET_KEY) and the folder of this installation's own files (VAR_DIR).

Reading them (`read_secret_key`, for the settings module) writes nothing. The key comes from the environment
(`SECRET_KEY`, what a server sets: deploy/env.example), else from `VAR_DIR/secret_key`, which only an explicit
step writes (`ensure_secret_key_file`):

- every `jiujin` command (`jiujin/__main__.py`), before Django starts: so `make run` and commands by hand on a
  development checkout make the key on first use;
- `python -m jiujin.secretkey`, which `make test` runs before its gates (mypy loads the settings too).

gunicorn (`jiujin.wsgi`) never makes one: without SECRET_KEY and without the file it stops with `MISSING`.
Django-free, so the console command can call it before Django is imported.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
FILE_NAME = "secret_key"
# Under pytest only, when neither the environment nor the file has a key: the suite signs and checks its
# own sessions and tokens, so any fixed key does (pytest sets PYTEST_VERSION for its run, workers included).
TEST_KEY = "jiujin-tests-only-8c1f0e4b7a9d2e6f3b5a1c7d9e0f2a4b6c8d0e1f3a5b7c9d"


def var_dir() -> Path:
    """The installation's own files: SQLite database, static files, media, the key (`JIUJIN_VAR_DIR`)."""
    return Path(os.environ.get("JIUJIN_VAR_DIR", PACKAGE_DIR.parent / "var"))


def secret_key_file() -> Path:
    return var_dir() / FILE_NAME


def missing_message() -> str:
    return (
        f"没有 SECRET_KEY：环境变量 SECRET_KEY 未设置，本机密钥文件 {secret_key_file()} 也不存在。"
        "生产环境（gunicorn）请在 /etc/jiujin/env 中设置 SECRET_KEY（每台应用服务器相同，见 deploy/env.example）；"
        "开发环境运行一次 make run 或任一 jiujin 命令（如 jiujin migrate），"
        "或 python -m jiujin.secretkey，即在该处生成本机密钥。"
    )


def read_secret_key() -> str | None:
    """The key from the environment, else from the file; None when neither has one. Writes nothing."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    try:
        key = secret_key_file().read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    return TEST_KEY if os.environ.get("PYTEST_VERSION") else None


def ensure_secret_key_file() -> Path | None:
    """Write a new random key to VAR_DIR/secret_key (mode 0600, VAR_DIR made if need be) unless SECRET_KEY is
    set or the file exists. Returns the file when it wrote one, else None. Safe when two processes start at
    once: the key is written aside and linked into place, so nobody reads a half-written file."""
    if os.environ.get("SECRET_KEY"):
        return None
    path = secret_key_file()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(aside, path)
        except FileExistsError:
            return None  # another process made it first: theirs is the key
    finally:
        aside.unlink(missing_ok=True)
    return path


def announce(path: Path | None) -> None:
    if path is not None:
        print(
            f"已生成本机密钥 {path}（开发用；生产环境请设置 SECRET_KEY 环境变量）",
            file=sys.stderr,
        )


if __name__ == "__main__":
    announce(ensure_secret_key_file())
