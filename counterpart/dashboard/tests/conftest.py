import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Requests in English leave English active in this thread: give the next test the default back."""
    yield
    translation.deactivate()
