"""The application's lists (filters, sorting, drill-down, exports) and imports, through HTTP."""

import csv
import io
from typing import Any

import pytest
from django.test import Client

from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import batch_run, import_file
from counterpart.people.identity import identity_compose
from counterpart.projects.models import Project
from counterpart.projects.services import ProjectDraft, projects_propose_bulk

from .conftest import PNG, World, client_as, response_bytes, uploaded

pytestmark = pytest.mark.django_db


# --- lists -------------------------------------------------------------------------------------------------------


def _many_projects(world: World, count: int) -> None:
    from counterpart.registry.models import Area

    area = Area.objects.get(code="520422")
    drafts = [
        ProjectDraft(
            program=world.ours,
            code=f"B-{n:03d}",
            title_zh=f"批量项目{n}",
            category="planting" if n % 2 else "housing",
            recipient_area=area,
            year=2009,
            budget_fen=n * 100,
        )
        for n in range(count)
    ]
    projects_propose_bulk(actor=Actor.system("t"), drafts=drafts)


def test_lists_filter_sort_search_and_page(world: World) -> None:
    _many_projects(world, 60)
    client = client_as(world, "program_office")
    first = client.get("/app/projects/").content.decode()
    assert "共 61 条" in first and "第 1 / 2 页" in first
    planting = client.get("/app/projects/", {"category": "planting"}).content.decode()
    assert "共 30 条" in planting and "批量项目2<" not in planting
    by_budget = client.get("/app/projects/", {"sort": "-budget"}).content.decode()
    assert by_budget.index("OURS-P1") < by_budget.index("B-059") < by_budget.index("B-058")
    found = client.get("/app/projects/", {"q": "批量项目42"}).content.decode()
    assert "共 1 条" in found
    second = client.get("/app/projects/", {"page": "2", "category": "housing"}).content.decode()
    assert "共 30 条" in second and "第 1 / 1 页" not in second


def test_the_drill_down_contract_filters_by_program_year_and_area(world: World) -> None:
    auditor = client_as(world, "auditor")
    assert "共 2 条" in auditor.get("/app/projects/", {"year": "2009"}).content.decode()
    assert "共 1 条" in auditor.get("/app/projects/", {"area": "520422"}).content.decode()
    assert "共 1 条" in auditor.get("/app/projects/", {"program": "theirs"}).content.decode()
    assert "共 0 条" in auditor.get("/app/projects/", {"year": "20x9"}).content.decode()
    assert "共 2 条" in auditor.get("/app/projects/", {"year": "2008", "year_to": "2010"}).content.decode()
    assert "共 0 条" in auditor.get("/app/projects/", {"year": "2010", "year_to": "2012"}).content.decode()
    assert "共 1 条" in auditor.get("/app/indicators/", {"indicator": "beneficiaries"}).content.decode()
    assert (
        "共 1 条" in auditor.get("/app/funds/", {"source": "fiscal_district", "stage": "commitment"}).content.decode()
    )


def test_a_filtered_export_is_a_valid_import_file(world: World, tmp_path) -> None:
    _many_projects(world, 6)
    client = client_as(world, "program_office")
    response = client.get("/app/projects/", {"category": "housing", "format": "csv"})
    text = response_bytes(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    result = import_file(actor=Actor.system("t"), path=path, dry_run=True)
    assert result.ok and (result.batch.rows_unchanged, result.batch.rows_new) == (3, 0)


# --- imports -----------------------------------------------------------------------------------------------------


def _project_csv(rows: list[list[Any]]) -> Any:
    header = ["协作项目", "项目编号", "项目名称", "项目类别", "实施地点区划代码", "年度", "预算（元）"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return uploaded("projects.csv", buffer.getvalue().encode("utf-8"))


def test_an_upload_is_queued_and_its_progress_reaches_100_when_the_worker_runs_it(world: World) -> None:
    client = client_as(world, "program_office")
    rows = [["qd-gz", f"I-{n}", f"导入项目{n}", "housing", "520422", 2009, "100"] for n in range(5)]
    response = client.post("/app/imports/", {"file": _project_csv(rows)})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    assert response["Location"] == f"/app/imports/{batch.pk}/"
    assert client.get(f"/app/imports/{batch.pk}/progress/").json()["percent"] == 0
    batch_run(Actor.of(world.users["program_office"]), batch)
    progress = client.get(f"/app/imports/{batch.pk}/progress/").json()
    assert (progress["status"], progress["percent"], progress["rows_new"]) == (BatchStatus.DONE, 100, 5)
    assert Project.objects.filter(code__startswith="I-").count() == 5


def test_a_dry_run_validates_and_writes_nothing(world: World) -> None:
    client = client_as(world, "program_office")
    rows = [["qd-gz", "D-1", "试运行项目", "housing", "520422", 2009, "100"]]
    client.post("/app/imports/", {"file": _project_csv(rows), "dry_run": "on"})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    assert batch.dry_run
    batch_run(Actor.system("t"), batch)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_new) == (BatchStatus.DONE, 1)
    assert not Project.objects.filter(code="D-1").exists()


def test_an_invalid_file_shows_its_errors_and_an_errors_workbook(world: World) -> None:
    import openpyxl

    client = client_as(world, "program_office")
    client.post("/app/imports/", {"file": _project_csv([["qd-gz", "E-1", "坏行", "housing", "520422", 2009, "-5"]])})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    batch_run(Actor.system("t"), batch)
    page = client.get(f"/app/imports/{batch.pk}/").content.decode()
    assert "-5" in page and "errors.xlsx" in page
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/app/imports/{batch.pk}/errors.xlsx").content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert any("-5" in c and "预算" in c for c in cells)


def test_a_county_uploads_its_own_registry_rows_an_enterprise_its_reports_and_others_nothing(world: World) -> None:
    county = client_as(world, "recipient_office")
    page = county.get("/app/imports/").content.decode()
    assert 'value="households"' in page and 'value="projects"' not in page  # the kinds a county may load
    refused = county.post(
        "/app/imports/", {"file": _project_csv([["qd-gz", "C-1", "县项目", "housing", "520422", 2009, "1"]])}
    )
    assert "不在您可以导入的数据类型中" in refused.content.decode()
    assert not ImportBatch.objects.filter(created_by_label="recipient_office").exists()

    rows = "户编号,所在村区划代码,主要致贫原因,识别年度\nC-H1,520422100201,illness,2009\n"
    county.post("/app/imports/", {"file": uploaded("households.csv", rows.encode("utf-8"))})
    batch = ImportBatch.objects.get(created_by_label="recipient_office")
    assert batch_run(Actor.system("worker:import"), batch).ok
    assert AuditEvent.objects.get(action="intake.import").actor_label == "recipient_office"

    enterprise = client_as(world, "enterprise").get("/app/imports/").content.decode()
    assert 'value="enterprise_reports"' in enterprise and 'value="households"' not in enterprise
    for role in ("auditor", "donor_district_office"):
        assert client_as(world, role).post("/app/imports/", {"file": _project_csv([])}).status_code == 403, role


def test_an_export_shows_clear_numbers_only_when_a_revealer_gives_a_reason_and_it_is_audited(world: World) -> None:
    person = world.objects["people"]
    clear = identity_compose("520402", __import__("datetime").date(1980, 1, 2), 11)
    auditor = client_as(world, "auditor")
    masked = response_bytes(auditor.get("/app/people/", {"format": "csv"})).decode("utf-8-sig")
    assert clear not in masked and person.identity_masked in masked
    # without a reason: refused, nothing exported, nothing audited
    refused = auditor.post("/app/people/", {"format": "csv", "reveal_reason": " "})
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action="person.export_identity").exists()
    # a GET (a link from another site) with a reason exports masked and audits nothing
    linked = response_bytes(auditor.get("/app/people/", {"format": "csv", "reveal_reason": "forged"})).decode(
        "utf-8-sig"
    )
    assert clear not in linked and not AuditEvent.objects.filter(action="person.export_identity").exists()
    # a POST without the CSRF token is refused
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(world.users["auditor"])
    assert guarded.post("/app/people/", {"format": "csv", "reveal_reason": "forged"}).status_code == 403
    # with a reason: clear numbers and one audit event with the reason and the list's filters
    revealed = response_bytes(
        auditor.post("/app/people/", {"format": "csv", "area": "520402", "reveal_reason": "核对"})
    )
    assert clear in revealed.decode("utf-8-sig")
    event = AuditEvent.objects.get(action="person.export_identity")
    assert (event.reason, event.after) == ("核对", {"count": 1, "filters": {"area": "520402"}})
    # a user who may not reveal is refused
    county = client_as(world, "recipient_office")
    assert county.post("/app/people/", {"format": "csv", "reveal_reason": "x"}).status_code == 403


def test_every_sortable_column_of_every_list_sorts_both_ways(world: World) -> None:
    from counterpart.web.specs import SPECS

    auditor = client_as(world, "auditor")
    for slug, spec in SPECS.items():
        for col in spec.columns:
            if not col.sort:
                continue
            for sort in (col.key, f"-{col.key}"):
                page = auditor.get(f"/app/{slug}/", {"sort": sort}).content.decode()
                assert "THEIRS" in page, (slug, sort)


def test_an_unreadable_upload_is_refused_at_once_naming_the_file(world: World) -> None:
    client = client_as(world, "program_office")
    response = client.post("/app/imports/", {"file": uploaded("projects.xlsx", b"this is not a workbook")})
    page = response.content.decode()
    assert response.status_code == 200 and "projects.xlsx" in page
    assert not ImportBatch.objects.filter(created_by_label="program_office").exists()
    wrong_type = client.post("/app/imports/", {"file": uploaded("photo.png", PNG)}).content.decode()
    assert "只接受 XLSX 或 CSV 文件" in wrong_type and "photo.png" in wrong_type


def test_the_application_speaks_english_when_asked(world: World) -> None:
    from django.utils import translation

    client = client_as(world, "program_office")
    client.post("/i18n/setlang/", {"language": "en", "next": "/app/projects/"})
    try:
        page = client.get("/app/projects/").content.decode()
        assert "Project code" in page and "1 record" in page and "项目编号" not in page
        # Names are data, but where an area has an English name the English page uses it.
        from counterpart.registry.models import Area

        Area.objects.filter(code="520422").update(name_en="Puding County")
        page = client.get("/app/projects/").content.decode()
        assert "Puding County 520422" in page and "普定县" not in page
        form = client.post("/app/funds/new/", {"program": world.ours.pk, "kind": "commitment", "amount": "1.234"})
        assert "Amount (yuan)" in form.content.decode()
    finally:
        # The locale middleware leaves the request's language active in this thread.
        translation.activate("zh-hans")


def test_a_list_beyond_the_count_cap_says_more_than_instead_of_counting_every_row(world: World, monkeypatch) -> None:
    from counterpart.web.lists import CappedPaginator

    office = client_as(world, "program_office")
    total = Project.objects.filter(program=world.ours).count()
    assert total >= 1
    assert f"共 {total} 条" in office.get("/app/projects/").content.decode()
    monkeypatch.setattr(CappedPaginator, "cap", total - 1)
    page = office.get("/app/projects/").content.decode()
    assert f"超过 {total - 1} 条" in page and f"共 {total} 条" not in page
