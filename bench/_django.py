"""Django, set up for a benchmark that times pages in-process with the test client: imported first by a
script run as `python bench/NAME.py` (after it puts the project on sys.path)."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.conf import settings  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]
# Pages render without collectstatic having run.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
