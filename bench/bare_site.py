"""Settings for the check benchmark's server: the platform's, with one bare endpoint added
(bench/bare_urls.py). Served by the benchmark only (DJANGO_SETTINGS_MODULE=bare_site)."""
from legalcredit.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bare_urls"
