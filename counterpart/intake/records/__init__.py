"""The record kinds, one module each; importing this package registers them."""

from . import (  # noqa: F401
    activities,
    beneficiaries,
    corrections,
    enterprise,
    indicators,
    ledger,
    people,
    projects,
    registry,
)
