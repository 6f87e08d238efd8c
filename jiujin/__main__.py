"""The `jiujin` console command: Django's manage.py for this project."""

import os
import sys
from pathlib import Path


def _prepare_local_files() -> None:
    """What a command on this machine may need written before Django opens anything: the development key
    (unless SECRET_KEY is set) and the folder of a SQLite database. Importing the settings writes nothing."""
    from jiujin.secretkey import announce, ensure_secret_key_file

    if os.environ["DJANGO_SETTINGS_MODULE"] == "jiujin.settings":
        announce(ensure_secret_key_file())
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        database = settings.DATABASES["default"]
    except ImproperlyConfigured:
        return  # Django reports it, as for any command
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")
    from django.core.management import execute_from_command_line

    _prepare_local_files()
    argv = list(sys.argv)
    # Commands are spelled with hyphens (`jiujin import-roster`); Django names them by module (import_roster).
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
