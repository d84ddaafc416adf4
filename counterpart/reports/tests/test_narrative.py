"""The yearbook-style summary: every figure the report holds is written as the yearbooks write it, with its
qualifier, in each language; a figure the report does not hold is not mentioned."""

from decimal import Decimal

import pytest

from counterpart.indicators.figures import AnnualReport, Figure, Source
from counterpart.reports.narrative import narrative_en, narrative_zh

pytestmark = pytest.mark.django_db

FIGURES = (
    ("fiscal_aid", Decimal("16400000"), "yuan", ""),
    ("social_donation_in_kind", Decimal("1341000"), "yuan", "nearly"),
    ("social_donation_cash", Decimal("250000"), "yuan", ""),
    ("projects", 56, "projects", ""),
    ("beneficiaries", 50000, "persons", "more_than"),
    ("cadres_trained", 1200, "persons", ""),
    ("labour_trained", 3400, "persons", "about"),
    ("students_aided", 800, "persons", ""),
    ("villages_advanced", 12, "villages", ""),
    ("enterprise_assets", Decimal("134100000"), "yuan", ""),
    ("taxes_paid", Decimal("2100000"), "yuan", ""),
    ("jobs_created", 640, "count", ""),
    ("people_helped_into_jobs", 2100, "persons", "about"),
    ("participating_enterprises", 35, "enterprises", ""),
    ("direct_sales", Decimal("5200000"), "yuan", ""),
    ("order_value", Decimal("98000000"), "yuan", "more_than"),
)


def _report(program, keys=None) -> AnnualReport:
    report = AnnualReport(program=program, year=2010, year_to=None)
    for key, value, unit, qualifier in FIGURES:
        if keys is None or key in keys:
            report.add(Figure(key, value, unit, Source.REPORTED, qualifier=qualifier))
    return report


def test_every_figure_the_report_holds_is_in_the_chinese_summary(program) -> None:
    # given a report holding every figure the summary names
    text = narrative_zh(_report(program))
    # then each is written with the yearbooks' magnitudes and its qualifier, in the order of the yearbook entry
    for clause in (
        "投入财政援助资金和物资1640万元",
        "社会各界捐赠物资折款近134.1万元",
        "社会帮扶资金25万元。",
        "实施各类帮扶项目56个，直接受益贫困人口5万余人。",
        "培训干部和技术人员1200人，开展农村劳动力转移培训约3400人，资助贫困学生800人，建成整村推进扶贫开发村12个。",
        "企业合作方面，企业资产总额1.341亿元，纳税210万元，直接创造就业岗位640个，带动就业约2100人。",
        "市场开拓方面，35家企业开展市场开拓活动，现场销售额520万元，签订订单9800万余元。",
    ):
        assert clause in text, (clause, text)


def test_every_figure_the_report_holds_is_in_the_english_summary(program) -> None:
    text = narrative_en(_report(program))
    for clause in (
        "56 projects were carried out, directly benefiting more than 50,000 poor people.",
        "1,200 cadres and technicians were trained; about 3,400 rural labourers received transfer training; "
        "800 poor students received financial aid; 12 development-oriented villages were advanced.",
        "Enterprises reported assets of 134.1 million yuan, taxes of 2.1 million yuan, 640 jobs created directly, "
        "about 2,100 people helped into jobs.",
        "35 enterprises took part in market development; direct sales reached 5.2 million yuan; orders of more than "
        "98 million yuan were signed.",
    ):
        assert clause in text, (clause, text)


def test_a_figure_the_report_does_not_hold_is_not_mentioned(program) -> None:
    # given a report with the sales but no orders and no enterprise figures
    report = _report(program, keys={"fiscal_aid", "direct_sales"})
    # then neither language names the missing ones
    assert "企业合作方面" not in narrative_zh(report) and "签订订单" not in narrative_zh(report)
    assert "Enterprises reported" not in narrative_en(report) and "orders" not in narrative_en(report)
    assert "现场销售额520万元" in narrative_zh(report)
