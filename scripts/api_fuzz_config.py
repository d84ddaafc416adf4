"""Writes the schemathesis config for scripts/api-fuzz: scripts/schemathesis.toml plus dictionaries of
identifiers that exist in the demo (both areas' records), so the fuzzer reaches real records and the
cross-area check has data to compare. Run inside `counterpart shell`; argv: output path."""

import json
import os
import sys
from pathlib import Path

from counterpart.enterprise.models import Enterprise, EnterpriseReport, MarketEvent
from counterpart.funds.models import LedgerTransaction
from counterpart.indicators.models import ReportedValue
from counterpart.people.models import Household, Person, StudentAid, Training
from counterpart.projects.models import Project
from counterpart.registry.models import Pairing, Program

AREAS = ("5204", "5206")


def ids(queryset, limit: int = 20) -> list:  # type: ignore[no-untyped-def]
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


def both(model, lookup: str) -> list:  # type: ignore[no-untyped-def]
    return sorted({i for code in AREAS for i in ids(model.objects.filter(**{f"{lookup}__startswith": code}))})


dictionaries = {
    "project_ids": both(Project, "recipient_area__code"),
    "transaction_ids": both(LedgerTransaction, "recipient_area__code"),
    "person_ids": both(Person, "area__code"),
    "household_ids": both(Household, "village__code"),
    "training_ids": both(Training, "place__code"),
    "aid_ids": both(StudentAid, "county_code"),
    "pairing_ids": both(Pairing, "recipient_area__code"),
    "value_ids": both(ReportedValue, "area__code"),
    "enterprise_ids": ids(Enterprise.objects.all()),
    "report_ids": ids(EnterpriseReport.objects.all()),
    "event_ids": ids(MarketEvent.objects.all()),
    "slugs": list(Program.objects.order_by("slug").values_list("slug", flat=True)),
    "area_codes": ["5204", "520402", "520422", "5206", "520603", "520623"],
}
bindings = {
    "path.project_id": "project_ids",
    "path.transaction_id": "transaction_ids",
    "path.person_id": "person_ids",
    "path.household_id": "household_ids",
    "path.training_id": "training_ids",
    "path.aid_id": "aid_ids",
    "path.pairing_id": "pairing_ids",
    "path.value_id": "value_ids",
    "path.enterprise_id": "enterprise_ids",
    "path.report_id": "report_ids",
    "path.event_id": "event_ids",
    "path.slug": "slugs",
    "body.program": "slugs",
    "body.recipient_area": "area_codes",
    "body.area": "area_codes",
    "body.place": "area_codes",
    "body.project": "project_ids",
    "body.commitment": "transaction_ids",
    "body.enterprise": "enterprise_ids",
}
lines = [Path("scripts/schemathesis.toml").read_text(encoding="utf-8"), ""]
for name, values in dictionaries.items():
    if values:
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
lines.append("[parameters]")
for key, name in bindings.items():
    if dictionaries[name]:
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.8 }}')
Path(os.environ["FUZZ_CONFIG"]).write_text("\n".join(lines) + "\n", encoding="utf-8")
print({name: len(values) for name, values in dictionaries.items()}, file=sys.stderr)
