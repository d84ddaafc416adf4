"""The demo and local development: the embedded database, debug pages off by default."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("COUNTERPART_DEBUG", "") == "1"
