"""Each figure of the report links to the signed-in list of the records it was computed from."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from counterpart.registry.models import Program
from counterpart.reports.annual import AnnualReport, Figure, Scope, Source
from counterpart.reports.drill import drill_url, list_url


def _report(scope: Scope | None = None, year_to: int | None = None) -> AnnualReport:
    return AnnualReport(program=Program(pk=7, slug="qd-gz"), year=2009, year_to=year_to, scope=scope or Scope())


def _parts(url: str | None) -> tuple[str, dict[str, list[str]]]:
    assert url is not None
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)


def test_figures_link_to_the_list_of_their_source() -> None:
    report = _report(Scope(area_code="520422"))
    cases = {
        ("fiscal_aid", Source.LEDGER): "/app/funds/",
        ("projects", Source.PROJECTS): "/app/projects/",
        ("beneficiaries", Source.REGISTRY): "/app/people/",
        ("cadres_trained", Source.REGISTRY): "/app/trainings/",
        ("market_events", Source.REGISTRY): "/app/events/",
        ("jobs_created", Source.REPORTED): "/app/enterprises/",
        ("direct_sales", Source.REPORTED): "/app/events/",
        ("beneficiaries", Source.REPORTED): "/app/indicators/",
    }
    for (key, source), path in cases.items():
        url_path, query = _parts(drill_url(report, Figure(key, Decimal(1), "yuan", source)))
        assert url_path == path, key
        assert query["program"] == ["qd-gz"]
        if path != "/app/enterprises/":
            assert query["year"] == ["2009"]
        if path in {"/app/funds/", "/app/projects/", "/app/people/", "/app/trainings/"}:
            assert query["area"] == ["520422"]
    _path, query = _parts(drill_url(report, Figure("beneficiaries", 1, "persons", Source.REPORTED)))
    assert query["indicator"] == ["beneficiaries"]


def test_a_multi_year_figure_carries_its_last_year_and_unknown_filters_are_dropped() -> None:
    _path, query = _parts(drill_url(_report(year_to=2012), Figure("projects", 3, "count", Source.PROJECTS)))
    assert query["year_to"] == ["2012"] and "area" not in query
    assert list_url("enterprises", program="p", year=2009, area="52") == "/app/enterprises/?program=p"
    assert list_url("funds", program="p", source="social", stage=None) == "/app/funds/?program=p&source=social"
