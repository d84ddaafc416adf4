"""The record kinds, one module each; importing this package registers them."""

from . import activities, beneficiaries, enterprise, indicators, ledger, people, projects, registry  # noqa: F401
