"""The OpenAPI document as committed in docs/openapi.json (stable text: sorted keys, two-space indent)."""

import json
from pathlib import Path

from django.conf import settings

SNAPSHOT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_text() -> str:
    from .api import api

    return json.dumps(api.get_openapi_schema(path_prefix="/api"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
