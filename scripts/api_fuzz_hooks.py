"""schemathesis hooks for scripts/api-fuzz: the cross-area check.

Every request the fuzzing token (a recipient office of one area) makes is replayed with the token of
another area's office (COUNTERPART_FUZZ_OTHER_TOKEN). The replay must reveal no record the first
answer held: a detail the first token could read is 404 for the second; a list shares no id with
the first; a write the first token could make fails for the second. Reference data (areas,
organisations, the indicator catalogue) is the same for everyone and is not compared, and so is the
program both areas belong to: its record and its annual report are aggregates the public portal
publishes, and every area a program reaches sees them (access/rules.py).
"""

import os
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response

OTHER_TOKEN = os.environ.get("COUNTERPART_FUZZ_OTHER_TOKEN", "")
REFERENCE_PATHS = ("/api/areas", "/api/organisations", "/api/indicators")
# The fuzzing areas (Anshun 5204 and Tongren 5206) are both reached by the demo's one program.
SHARED_PROGRAM_PATHS = ("/api/programs",)


def _ids(body: Any) -> set[Any]:
    items = body.get("items") if isinstance(body, dict) else body  # a page, or a short list given whole
    if isinstance(items, list):
        return {item.get("id", item.get("code")) for item in items if isinstance(item, dict)}
    return set()


@schemathesis.check
def no_data_of_another_area(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    if not OTHER_TOKEN or not 200 <= response.status_code < 300:
        return None
    if case.path.startswith(REFERENCE_PATHS + SHARED_PROGRAM_PATHS):
        return None
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    headers["Authorization"] = f"Bearer {OTHER_TOKEN}"
    replay = case.call(headers=headers)
    if case.method.upper() != "GET":
        if 200 <= replay.status_code < 300:
            raise AssertionError(
                f"{case.method} {case.formatted_path}: another area's token was allowed the same write "
                f"({replay.status_code})"
            )
        return None
    body = response.json()
    if isinstance(body, list) or "items" in body:
        shared = _ids(body) & _ids(replay.json() if replay.status_code == 200 else {})
        if shared:
            raise AssertionError(f"GET {case.formatted_path}: another area's token sees records {sorted(shared)[:10]}")
        return None
    if case.path.endswith("/report"):
        return None if replay.status_code == 404 else _leak(case, replay.status_code)
    if replay.status_code != 404:
        _leak(case, replay.status_code)
    return None


def _leak(case: Case, status: int) -> None:
    raise AssertionError(f"GET {case.formatted_path}: another area's token got {status}, expected 404")
