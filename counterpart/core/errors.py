"""Errors the domain layer raises for bad input.

Every edge (admin, web, API, importer, CLI) shows the same message, so it is built once here:
it names the field and the offending value, in the active language (Chinese by default).
"""

from typing import Any

from django.core.exceptions import ValidationError


class InvalidInput(ValidationError):
    """A value a user supplied is not acceptable.

    It is a Django ValidationError keyed by field, so forms and the admin attach it to the
    right input; ``field`` and ``value`` stay available for importers that report by row.
    """

    def __init__(self, field: str, value: Any, message: str) -> None:
        self.field = field
        self.value = value
        self.reason = message
        super().__init__({field: [f"{message} (“{field}” = {value!r})"]})

    def __str__(self) -> str:
        return f"{self.field}={self.value!r}: {self.reason}"
