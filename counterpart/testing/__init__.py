"""Test support shared across apps (pytest plugins loaded by the root conftest.py)."""
