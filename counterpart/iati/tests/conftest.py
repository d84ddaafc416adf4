"""IATI test helpers."""
