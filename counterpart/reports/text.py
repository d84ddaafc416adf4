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
    "enterprises_engaged": ("参与协作企业", "Enterprises engaged"),
    "cooperation_agreements": ("签约合作项目", "Cooperation agreements signed"),
    "agreed_investment": ("协议投资额", "Investment agreed"),
    "actual_investment": ("实际到位投资", "Investment made"),
    "enterprise_assets": ("企业资产总额", "Enterprise assets"),
    "taxes_paid": ("企业纳税", "Taxes paid"),
    "jobs_created": ("直接创造就业岗位", "Jobs created directly"),
    "people_helped_into_jobs": ("带动就业人数", "People helped into jobs"),
    "enterprise_employment": ("直接间接解决就业", "People employed directly and indirectly"),
    "employees": ("企业职工", "Employees"),
    "employees_from_poor_households": ("贫困家庭职工", "Employees from poor households"),
    "matching_enterprises": ("本地配套企业", "Local matching enterprises"),
    "annual_output": ("年产值", "Annual output"),
    "production_capacity": ("年生产能力", "Annual production capacity"),
    "market_events": ("市场开拓活动", "Market development events"),
    "participating_enterprises": ("参加活动企业", "Participating enterprises"),
    "direct_sales": ("直接销售收入", "Direct sales"),
    "order_value": ("签订订单金额", "Order value"),
    "purchases": ("消费帮扶采购", "Consumption assistance purchases"),
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
