"""The record kinds, one module each; importing this package registers them."""

from . import indicators, ledger, people, projects  # noqa: F401
