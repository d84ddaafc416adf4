"""The yearbook-style summary, generated from the figures in Chinese and English.

Only figures the report holds are mentioned; published qualifiers are kept ("more than 50,000"
→ 5万余人 / more than 50,000), so the text never claims more precision than the data has.
"""

from collections.abc import Callable
from decimal import Decimal

from counterpart.core.numbers import figure_text, number_en, number_zh, qualify_en, qualify_zh
from counterpart.registry.models import PairingLevel
from counterpart.registry.selectors import pairings_active_in_year

from .annual import AnnualReport, Figure


def _yuan_zh(value: Decimal | int) -> str:
    """1640万, 13.41亿: the magnitude words of the yearbooks; 元 is added by the caller."""
    return number_zh(value)


def _yuan_en(value: Decimal | int) -> str:
    return figure_text(value, "yuan", language="en")


def _count_zh(value: Decimal | int) -> str:
    return number_zh(value)


def _count(value: Decimal | int) -> str:
    return number_en(value)


def _zh(figure: Figure, text: str) -> str:
    return qualify_zh(text, figure.qualifier)


def _en(figure: Figure, text: str) -> str:
    return qualify_en(text, figure.qualifier)


# A clause for each figure the report holds: (figure, its words around "{}", how its number is written).
Clauses = tuple[tuple[str, str, Callable[[Decimal | int], str]], ...]


def _clauses_zh(f: dict[str, Figure], clauses: Clauses) -> list[str]:
    return [words.format(_zh(f[key], write(f[key].value))) for key, words, write in clauses if key in f]


def _clauses_en(f: dict[str, Figure], clauses: Clauses) -> list[str]:
    return [words.format(_en(f[key], write(f[key].value))) for key, words, write in clauses if key in f]


def _recipients(report: AnnualReport) -> tuple[str, str]:
    pairings = (
        pairings_active_in_year(report.program, report.last_year)
        .filter(level__in=[PairingLevel.CITY_CITY, PairingLevel.PROVINCE_PROVINCE])
        .select_related("recipient_area")
    )
    areas = sorted({(p.recipient_area_id, p.recipient_area.name_zh, p.recipient_area.name_en) for p in pairings})
    zh = "、".join(name for _code, name, _en in areas) or "受援地区"
    en_names = [name_en.replace(" City", "") or code for code, _zh, name_en in areas]
    en = " and ".join([", ".join(en_names[:-1]), en_names[-1]]) if len(en_names) > 1 else "".join(en_names)
    return zh, en or "the recipient regions"


def narrative_zh(report: AnnualReport) -> str:
    f = report.figures
    donor = report.program.donor_area.name_zh
    recipients, _en = _recipients(report)
    years = f"{report.year}—{report.year_to}年" if report.year_to else f"{report.year}年"
    parts = []
    money = []
    if "fiscal_aid" in f:
        money.append(f"投入财政援助资金和物资{_zh(f['fiscal_aid'], _yuan_zh(f['fiscal_aid'].value))}元")
    if "social_donation_in_kind" in f and Decimal(f["social_donation_in_kind"].value):
        value = f["social_donation_in_kind"]
        money.append(f"社会各界捐赠物资折款{_zh(value, _yuan_zh(value.value))}元")
    if "social_donation_cash" in f and Decimal(f["social_donation_cash"].value):
        value = f["social_donation_cash"]
        money.append(f"社会帮扶资金{_zh(value, _yuan_zh(value.value))}元")
    if money:
        parts.append(f"{years}，{donor}对口帮扶{recipients}，" + "，".join(money) + "。")
    else:
        parts.append(f"{years}，{donor}对口帮扶{recipients}。")
    if "projects" in f:
        sentence = f"实施各类帮扶项目{_zh(f['projects'], _count_zh(f['projects'].value))}个"
        if "beneficiaries" in f:
            sentence += f"，直接受益贫困人口{_zh(f['beneficiaries'], _count_zh(f['beneficiaries'].value))}人"
        parts.append(sentence + "。")
    people = _clauses_zh(
        f,
        (
            ("cadres_trained", "培训干部和技术人员{}人", _count_zh),
            ("labour_trained", "开展农村劳动力转移培训{}人", _count_zh),
            ("students_aided", "资助贫困学生{}人", _count_zh),
            ("villages_advanced", "建成整村推进扶贫开发村{}个", _count_zh),
        ),
    )
    if people:
        parts.append("，".join(people) + "。")
    industry = _clauses_zh(
        f,
        (
            ("enterprise_assets", "企业资产总额{}元", _yuan_zh),
            ("taxes_paid", "纳税{}元", _yuan_zh),
            ("jobs_created", "直接创造就业岗位{}个", _count_zh),
            ("people_helped_into_jobs", "带动就业{}人", _count_zh),
        ),
    )
    if industry:
        parts.append("企业合作方面，" + "，".join(industry) + "。")
    market = _clauses_zh(
        f,
        (
            ("participating_enterprises", "{}家企业开展市场开拓活动", _count_zh),
            ("direct_sales", "现场销售额{}元", _yuan_zh),
            ("order_value", "签订订单{}元", _yuan_zh),
        ),
    )
    if market:
        parts.append("市场开拓方面，" + "，".join(market) + "。")
    return "".join(parts)


def narrative_en(report: AnnualReport) -> str:
    f = report.figures
    donor = report.program.donor_area.name_en.replace(" City", "") or report.program.donor_area.name_zh
    _zh_names, recipients = _recipients(report)
    years = f"From {report.year} to {report.year_to}" if report.year_to else f"In {report.year}"
    parts = []
    if "fiscal_aid" in f:
        sentence = (
            f"{years}, {donor} invested {_en(f['fiscal_aid'], _yuan_en(f['fiscal_aid'].value))} "
            f"of government funds and materials in {recipients}"
        )
        if "social_donation_in_kind" in f and Decimal(f["social_donation_in_kind"].value):
            value = f["social_donation_in_kind"]
            sentence += f", and society donated materials valued at {_en(value, _yuan_en(value.value))}"
        parts.append(sentence + ".")
    else:
        parts.append(f"{years}, {donor} supported {recipients}.")
    if "projects" in f:
        sentence = f"{_en(f['projects'], _count(f['projects'].value))} projects were carried out"
        if "beneficiaries" in f:
            value = f["beneficiaries"]
            sentence += f", directly benefiting {_en(value, _count(value.value))} poor people"
        parts.append(sentence + ".")
    people = _clauses_en(
        f,
        (
            ("cadres_trained", "{} cadres and technicians were trained", _count),
            ("labour_trained", "{} rural labourers received transfer training", _count),
            ("students_aided", "{} poor students received financial aid", _count),
            ("villages_advanced", "{} development-oriented villages were advanced", _count),
        ),
    )
    if people:
        parts.append("; ".join(people).capitalize() + ".")
    industry = _clauses_en(
        f,
        (
            ("enterprise_assets", "assets of {}", _yuan_en),
            ("taxes_paid", "taxes of {}", _yuan_en),
            ("jobs_created", "{} jobs created directly", _count),
            ("people_helped_into_jobs", "{} people helped into jobs", _count),
        ),
    )
    if industry:
        parts.append("Enterprises reported " + ", ".join(industry) + ".")
    market = _clauses_en(
        f,
        (
            ("participating_enterprises", "{} enterprises took part in market development", _count),
            ("direct_sales", "direct sales reached {}", _yuan_en),
            ("order_value", "orders of {} were signed", _yuan_en),
        ),
    )
    if market:
        parts.append("; ".join(market).capitalize() + ".")
    return " ".join(parts)
