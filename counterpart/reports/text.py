"""A readable summary of an annual report, in the style of the yearbook entries."""

from decimal import Decimal

from counterpart.indicators.models import Qualifier

from .annual import AnnualReport, Figure

QUALIFIER_ZH: dict[str, str] = {Qualifier.MORE_THAN: "余", Qualifier.NEARLY: "近", Qualifier.ABOUT: "约"}
QUALIFIER_EN: dict[str, str] = {
    Qualifier.MORE_THAN: "more than ",
    Qualifier.NEARLY: "nearly ",
    Qualifier.ABOUT: "about ",
}
SOURCE_ZH = {"ledger": "资金台账", "projects": "项目库", "registry": "登记记录", "reported": "上报数"}

LABELS = {
    "total_support": ("帮扶资金和物资合计", "Total support delivered"),
    "fiscal_aid": ("财政援助资金和物资", "Fiscal aid (funds and materials)"),
    "fiscal_aid_by_level": ("财政援助资金（按级次）", "Fiscal aid by government level"),
    "social_donation_cash": ("社会帮扶资金", "Social donations in cash"),
    "social_donation_in_kind": ("社会捐赠物资折款", "Social donations in kind (valued)"),
    "in_kind_items": ("捐赠物资件数", "Items donated in kind"),
    "funds_disbursed": ("拨付资金", "Funds disbursed"),
    "funds_spent": ("已支出资金", "Funds spent"),
    "funds_by_category": ("项目资金（按类别）", "Project funds by category"),
    "projects": ("实施项目", "Projects"),
    "projects_by_category": ("项目（按类别）", "Projects by category"),
    "beneficiaries": ("直接受益贫困人口", "Poor people benefiting directly"),
    "district_county_pairs": ("区县结对", "District–county pairs"),
    "cadres_trained": ("培训干部和技术人员", "Cadres and technicians trained"),
    "labour_trained": ("农村劳动力转移培训", "Rural labourers trained"),
    "labour_transferred": ("转移就业", "Labourers placed in jobs"),
    "students_aided": ("资助贫困学生", "Poor students aided"),
    "villages_advanced": ("整村推进扶贫开发村", "Development-oriented villages advanced"),
    "cadres_seconded": ("挂职干部", "Cadres seconded"),
    "professionals_sent": ("选派专业技术人员", "Professionals sent"),
    "training_courses": ("培训班", "Training courses"),
    "training_person_times": ("培训人次", "Training person-times"),
}


def _amount(figure: Figure) -> str:
    value = figure.value
    if figure.unit == "yuan":
        return f"{Decimal(value):,.2f}"
    return f"{value:,}"


def report_text(report: AnnualReport) -> str:
    program = report.program
    years = f"{report.year}–{report.year_to}" if report.year_to else str(report.year)
    lines = [
        f"{program.name_zh} {years} 年度报告",
        f"{program.name_en or program.slug} — report for {years}",
        "",
    ]
    for key, figure in sorted(report.figures.items()):
        zh, en = LABELS.get(key, (key, key))
        lines.append(
            f"{zh} / {en}: {QUALIFIER_ZH.get(figure.qualifier, '')}{_amount(figure)} {figure.unit}"
            f"  [{SOURCE_ZH.get(figure.source, figure.source)} {figure.source}]"
        )
        for code, part in (figure.breakdown or {}).items():
            lines.append(f"    {code}: {part:,}")
    return "\n".join(lines) + "\n"
