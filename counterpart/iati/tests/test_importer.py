import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from counterpart.core.models import AuditEvent
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.iati.exporter import iati_export_activities
from counterpart.iati.importer import iati_import_bytes
from counterpart.iati.models import IatiActivityLink
from counterpart.projects.models import Project, ProjectStatus
from counterpart.registry.models import Area, Program
from counterpart.registry.services import program_create

NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)

ACTIVITY = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="{currency}" xml:lang="en">
  <iati-identifier>XM-DAC-1-{code}</iati-identifier>
  <reporting-org ref="XM-DAC-1" type="10"><narrative>Some donor</narrative></reporting-org>
  <title><narrative>Water for Puding</narrative><narrative xml:lang="zh">普定饮水</narrative></title>
  <description><narrative>Wells.</narrative></description>
  <participating-org role="1"><narrative>Some donor</narrative></participating-org>
  <activity-status code="{status}"/>
  <activity-date type="1" iso-date="2010-03-01"/>
  <recipient-country code="CN"/>
  <location><location-id vocabulary="G1" code="{area}"/></location>
  <sector vocabulary="1" code="14030" percentage="80"/>
  <sector vocabulary="1" code="12220" percentage="20"/>
  <budget type="1"><period-start iso-date="2010-01-01"/><period-end iso-date="2010-12-31"/>
   <value value-date="2010-01-01">5000.50</value></budget>
  <transaction ref="c1"><transaction-type code="2"/><transaction-date iso-date="2010-03-01"/>
   <value value-date="2010-03-01">4000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2010-04-01"/>
   <value value-date="2010-04-01">3000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2010-05-01"/>
   <value value-date="2010-05-01">2000</value></transaction>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2010-05-01"/>
   <value value-date="2010-05-01">10</value></transaction>
 </iati-activity>
</iati-activities>
"""


def _file(currency: str = "CNY", status: str = "2", area: str = "520422", code: str = "W1") -> bytes:
    return ACTIVITY.format(currency=currency, status=status, area=area, code=code).encode()


def test_an_activity_becomes_a_project_with_ledger_entries(program, areas, actor) -> None:
    # when
    result = iati_import_bytes(actor=actor, data=_file(), program=program)
    # then
    (activity,) = result.activities
    assert activity.outcome == "created", activity.notes
    project = Project.objects.get(program=program, code="W1")  # reporting-org prefix stripped
    assert (project.title_zh, project.title_en) == ("普定饮水", "Water for Puding")
    assert (project.category, project.purpose_code) == ("drinking_water", "14030")
    assert project.recipient_area_id == "520422"
    assert project.budget_fen == 5000_50
    assert project.year == 2010
    assert project.status == ProjectStatus.UNDER_CONSTRUCTION
    kinds = list(LedgerTransaction.objects.filter(project=project).values_list("kind", flat=True))
    # 4000 committed and allocated; 3000 drawn from it; 2000 more needs a commitment of its own
    assert kinds.count(TransactionKind.DISBURSEMENT) == 2
    assert kinds.count(TransactionKind.ALLOCATION) == 2
    assert any("had no commitment" in note for note in activity.notes)
    assert any("Transaction type 1" in note for note in activity.notes)
    assert any("12220" in note for note in activity.notes)
    assert AuditEvent.objects.filter(action="iati.import").count() == 1


def test_re_import_changes_nothing(program, areas, actor) -> None:
    # given
    iati_import_bytes(actor=actor, data=_file(), program=program)
    ledger_count = LedgerTransaction.objects.count()
    # when
    result = iati_import_bytes(actor=actor, data=_file(), program=program)
    # then
    assert [a.outcome for a in result.activities] == ["unchanged"]
    assert LedgerTransaction.objects.count() == ledger_count
    assert Project.objects.filter(program=program).count() == 1


def test_a_later_file_moves_the_status_forward(program, areas, actor) -> None:
    iati_import_bytes(actor=actor, data=_file(status="2"), program=program)
    result = iati_import_bytes(actor=actor, data=_file(status="4"), program=program)
    assert result.activities[0].outcome == "updated"
    assert IatiActivityLink.objects.get().project.status == ProjectStatus.ACCEPTED


def test_non_cny_money_is_refused_clearly_and_the_project_kept(program, areas, actor) -> None:
    result = iati_import_bytes(actor=actor, data=_file(currency="EUR"), program=program)
    (activity,) = result.activities
    assert activity.outcome == "created"
    assert any("only CNY is accepted" in note for note in activity.notes)
    assert not LedgerTransaction.objects.filter(project__program=program).exists()
    assert Project.objects.get(program=program).budget_fen == 0


def test_unknown_location_uses_the_default_area_with_a_note(program, pairing, areas, actor) -> None:
    result = iati_import_bytes(actor=actor, data=_file(area="999999"), program=program)
    (activity,) = result.activities
    assert Project.objects.get(program=program).recipient_area_id == "520422"  # the pairing's county
    assert any("default area used" in note for note in activity.notes)


def test_without_any_area_the_activity_is_skipped_with_the_reason(program, areas, actor) -> None:
    result = iati_import_bytes(actor=actor, data=_file(area="999999"), program=program)
    assert result.activities[0].outcome == "skipped"
    assert "--default-area" in result.activities[0].notes[-1]


def test_an_invalid_file_imports_nothing(program, actor) -> None:
    result = iati_import_bytes(
        actor=actor, data=b"<iati-activities version='2.03'><iati-activity/></iati-activities>", program=program
    )
    assert not result.is_valid
    assert result.activities == []
    assert not Project.objects.exists()


def _significant(xml: bytes) -> list[dict]:
    """What must survive a round trip, leaving out the program-dependent and generated parts."""
    activities = []
    for activity in etree.fromstring(xml).findall("iati-activity"):
        activities.append(
            {
                "code": activity.find("other-identifier").get("ref"),
                "title": [
                    (n.get("{http://www.w3.org/XML/1998/namespace}lang"), n.text) for n in activity.find("title")
                ],
                "description": activity.find("description/narrative").text,
                "status": activity.find("activity-status").get("code"),
                "planned": sorted(
                    (d.get("type"), d.get("iso-date"))
                    for d in activity.findall("activity-date")
                    if d.get("type") in "13"
                ),
                "country": activity.find("recipient-country").get("code"),
                "location": etree.tostring(activity.find("location")),
                "sector": etree.tostring(activity.find("sector")),
                "budget": etree.tostring(activity.find("budget")),
                "transactions": [
                    (
                        t.find("transaction-type").get("code"),
                        t.find("transaction-date").get("iso-date"),
                        t.findtext("value"),
                        t.find("value").get("currency"),
                        t.find("provider-org").get("type"),
                    )
                    for t in activity.findall("transaction")
                ],
                "results": [etree.tostring(r) for r in activity.findall("result")],
            }
        )
    return activities


def test_demo_round_trip_export_import_export_gives_the_same_activities(demo_program, actor) -> None:
    # given the demo exported
    first = iati_export_activities(demo_program, now=NOW).to_bytes()
    target = program_create(
        actor=actor, slug="iati-round-trip", name_zh="往返", donor_area=demo_program.donor_area, start_year=1996
    )
    # when imported into an empty program and exported again
    result = iati_import_bytes(actor=actor, data=first, program=target)
    second = iati_export_activities(target, now=NOW).to_bytes()
    # then
    assert result.count("created") == 152
    assert all(not a.notes for a in result.activities), [a.notes for a in result.activities if a.notes][:3]
    assert _significant(second) == _significant(first)
    assert etree.fromstring(second).findtext(".//iati-identifier").endswith("-iati-round-trip-QD-GZ-2009-001")


def test_our_own_export_imported_into_the_same_program_changes_nothing(demo_program, actor) -> None:
    # given the demo exported, and what the database holds
    first = iati_export_activities(demo_program, now=NOW).to_bytes()
    counts = (Project.objects.count(), LedgerTransaction.objects.count(), IatiActivityLink.objects.count())
    # when the file is imported back into the program it came from
    result = iati_import_bytes(actor=actor, data=first, program=demo_program)
    # then every activity is recognised as its own project, nothing is written, and the export is the same
    assert result.count("unchanged") == 152, [a.notes for a in result.activities if a.notes][:3]
    assert (Project.objects.count(), LedgerTransaction.objects.count(), IatiActivityLink.objects.count()) == counts
    assert iati_export_activities(demo_program, now=NOW).to_bytes() == first


def test_cli_import_creates_the_program_and_exports(areas, tmp_path: Path) -> None:
    # given
    source = tmp_path / "in.xml"
    source.write_bytes(_file())
    out = StringIO()
    # when
    call_command("iati", "import", str(source), "--create-program", "imported", "--donor-area", "3702", stdout=out)
    call_command("iati", "export", "--program", "imported", "--output", str(tmp_path / "out.xml"), stdout=out)
    # then
    assert "1 created" in out.getvalue()
    assert Program.objects.get(slug="imported").start_year == 2010
    assert Area.objects.filter(code="520422").exists()
    assert len(etree.parse(str(tmp_path / "out.xml")).findall("iati-activity")) == 1


def test_cli_import_of_an_invalid_file_exits_non_zero(program, tmp_path: Path) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(b"not xml")
    with pytest.raises(CommandError, match="Not well-formed"):
        call_command("iati", "import", str(source), "--program", program.slug)
