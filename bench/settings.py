"""Settings for bench/api_bench.py only: the development settings with bench/urls.py as the URL conf,
which mounts the bare endpoint. Nothing shipped reads them, so no environment variable of a deployed
server can switch the unauthenticated endpoint on."""

from config.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
