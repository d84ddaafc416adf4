"""IATI test helpers: where the official schemas and pyIATI's test files are on this machine."""

from pathlib import Path

import pytest

from counterpart.iati.schemas import ORGANISATIONS_SCHEMA, iati_schema
from counterpart.iati.xml import IatiFileError

# The project's shared copy of the current official 2.03 schemas, when the machine has it.
SHARED_SCHEMAS = Path(__file__).resolve().parents[4] / "shared" / "data" / "iati-2.03" / "schemas"


@pytest.fixture
def organisation_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 2.03 organisation schema, from COUNTERPART_IATI_SCHEMA_DIR or the shared copy; else skip."""
    try:
        iati_schema(ORGANISATIONS_SCHEMA)
        return
    except IatiFileError:
        pass
    if not (SHARED_SCHEMAS / ORGANISATIONS_SCHEMA).exists():
        pytest.skip("pyIATI 0.4.1's organisation schema does not compile; set COUNTERPART_IATI_SCHEMA_DIR")
    monkeypatch.setenv("COUNTERPART_IATI_SCHEMA_DIR", str(SHARED_SCHEMAS))
