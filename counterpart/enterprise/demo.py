"""The demo's enterprise cooperation and market development of 2009, as the yearbook entry tells it.

Facts from the entry: Red Star's assets, taxes, jobs and certification in Guizhou; Haier's and
Hisense's restructured factories and their capacities; the totals for all Qingdao enterprises
(nearly 20,000 people employed, more than 50 matching enterprises with an annual output of more
than 1 billion yuan); more than 70 Guizhou enterprises at market events in Qingdao with nearly
1 million yuan of direct sales and orders above 100 million yuan. The entry names no participant
of those events: the few registered here are illustrative, as is the location of Baimahu park.
"""

import datetime

from counterpart.core.audit import Actor
from counterpart.indicators.models import Qualifier
from counterpart.indicators.services import reported_value_enter
from counterpart.registry.models import Area, Organisation, OrganisationKind, Program
from counterpart.registry.services import organisation_create

from .models import Enterprise, EventKind, Operation, OperationKind, Sector, Side
from .services import (
    ReportFigures,
    enterprise_register,
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_submit,
    market_event_record,
    operation_record,
)

YEAR = 2009
ACTOR = Actor.system("demo")
CITATION = "《中国扶贫开发年鉴》青岛—贵州对口帮扶条目，2009年（青岛市对内经济协作办公室 马飞驰）"
YUAN = 100  # fen per yuan


def _area(code: str) -> Area:
    return Area.objects.get(code=code)


def _organisation(name_zh: str, name_en: str, code: str, *, is_illustrative: bool = False) -> Organisation:
    return organisation_create(
        actor=ACTOR,
        name_zh=name_zh,
        name_en=name_en,
        kind=OrganisationKind.ENTERPRISE,
        area=_area(code),
        is_illustrative=is_illustrative,
    )


def _donor(program: Program, name_zh: str, name_en: str, sector: str) -> Enterprise:
    return enterprise_register(
        actor=ACTOR,
        organisation=_organisation(name_zh, name_en, "3702"),
        side=Side.DONOR,
        programs=[program],
        sector=sector,
    )


def _confirm(
    program: Program,
    enterprise: Enterprise,
    figures: ReportFigures,
    *,
    operation: Operation | None = None,
    area: Area | None = None,
) -> None:
    report = enterprise_report_draft(
        actor=ACTOR,
        program=program,
        enterprise=enterprise,
        year=YEAR,
        figures=figures,
        operation=operation,
        area=area,
        citation=CITATION,
    )
    enterprise_report_submit(actor=ACTOR, report=report)
    enterprise_report_confirm(actor=ACTOR, report=report)


def enterprise_demo_load(program: Program) -> None:
    _red_star(program)
    _haier_and_hisense(program)
    _doublestar(program)
    _all_enterprises(program)
    _market_development(program)


def _red_star(program: Program) -> None:
    red_star = _donor(program, "青岛红星化工集团", "Red Star Group", Sector.CHEMICALS)
    operations = [
        (
            "红星集团镇宁县企业",
            "Red Star enterprises in Zhenning County",
            "520423",
            OperationKind.SUBSIDIARY,
            Sector.CHEMICALS,
            "碳酸钡、不溶性硫磺等 barium carbonate, infusible sulphur",
            False,
        ),
        (
            "白马湖森林公园",
            "Baimahu Forest Park",
            "5204",
            OperationKind.OTHER,
            Sector.TOURISM,
            "生态旅游；所在地为示意 biological tourism; location illustrative",
            True,
        ),
        (
            "大龙锰业有限责任公司",
            "Dalong Manganese Company",
            "5206",
            OperationKind.SUBSIDIARY,
            Sector.MINING,
            "锰矿勘探、电解二氧化锰 manganese ore, electrolytic manganese dioxide",
            False,
        ),
        (
            "梵净山冷水鱼业有限公司",
            "Fanjingshan Cold-water Fishery Company",
            "5206",
            OperationKind.SUBSIDIARY,
            Sector.FISHERY,
            "鲟鱼、鲑鱼养殖 sturgeon and salmon breeding",
            False,
        ),
    ]
    for name_zh, name_en, code, kind, sector, description, illustrative in operations:
        operation_record(
            actor=ACTOR,
            enterprise=red_star,
            organisation=_organisation(name_zh, name_en, code, is_illustrative=illustrative),
            kind=kind,
            area=_area(code),
            sector=sector,
            description=description,
            is_illustrative=illustrative,
        )
    # Red Star's whole presence in Guizhou (the entry gives its figures for the province, not per company).
    # "It paid taxes of 580 million Yuan in Guizhou Province": the entry does not say whether this is
    # 2009's tax or the total since Red Star came; it is entered as reported for 2009.
    _confirm(
        program,
        red_star,
        ReportFigures(
            total_assets_fen=1_341_000_000 * YUAN,
            taxes_paid_fen=580_000_000 * YUAN,
            jobs_created=3400,
            people_helped_into_jobs=10_000,
            average_staff_income_fen=12_000 * YUAN,
            certifications="ISO14001",
            qualifiers={"jobs_created": Qualifier.MORE_THAN, "people_helped_into_jobs": Qualifier.NEARLY},
        ),
        area=_area("52"),
    )


def _haier_and_hisense(program: Program) -> None:
    haier = _donor(program, "海尔集团", "Haier Group", Sector.HOUSEHOLD_APPLIANCES)
    base = operation_record(
        actor=ACTOR,
        enterprise=haier,
        organisation=_organisation("海尔冰箱贵州生产基地", "Haier Refrigerator Production Base", "5201"),
        kind=OperationKind.RESTRUCTURED_FACTORY,
        area=_area("5201"),
        sector=Sector.HOUSEHOLD_APPLIANCES,
        restructured_factory_name="中国冶金集团风华冰箱厂 Fenghua Refrigerator Factory of China Metallurgical Group",
        description="销售覆盖长江以南九省一市 sales cover nine provinces and one city south of the Yangtze",
    )
    _confirm(program, haier, ReportFigures(capacity_quantity=1_000_000, capacity_unit="台冰箱"), operation=base)

    hisense = _donor(program, "海信集团", "Hisense Group", Sector.ELECTRONICS)
    factory = operation_record(
        actor=ACTOR,
        enterprise=hisense,
        organisation=_organisation("贵阳海信电子有限公司", "Guiyang Hisense Electrical Co., Ltd", "5201"),
        kind=OperationKind.RESTRUCTURED_FACTORY,
        area=_area("5201"),
        sector=Sector.ELECTRONICS,
        restructured_factory_name="贵阳华日电视机厂 Guiyang Huari Television Factory",
        description="由年产5万台的华日电视机厂发展为年产能130万台；14—47英寸普通及平板电视，出口缅甸等 "
        "grown from 50,000 sets a year to a capacity of 1.3 million; 14″–47″ sets, exported to Burma",
    )
    operation_record(
        actor=ACTOR,
        enterprise=hisense,
        organisation=_organisation(
            "海信贵阳工业园", "Hisense industrial park, Guiyang Economic Development Zone", "5201"
        ),
        kind=OperationKind.INDUSTRIAL_PARK,
        area=_area("5201"),
        sector=Sector.ELECTRONICS,
        description="贵阳经济技术开发区，海信控股 "
        "in Guiyang Economic and Development Zone, Hisense the holding shareholder",
    )
    _confirm(program, hisense, ReportFigures(capacity_quantity=1_300_000, capacity_unit="台电视机"), operation=factory)


def _doublestar(program: Program) -> None:
    # Named among the enterprises that went to Guizhou; the entry gives no figures for it.
    _donor(program, "双星集团", "Doublestar Group", Sector.MANUFACTURING)


def _all_enterprises(program: Program) -> None:
    """Totals the entry gives for all Qingdao enterprises together: published figures, not per company."""
    for key, value, unit, qualifier in [
        ("enterprise_employment", 20_000, "persons", Qualifier.NEARLY),
        ("matching_enterprises", 50, "count", Qualifier.MORE_THAN),
        ("annual_output", 1_000_000_000, "yuan", Qualifier.MORE_THAN),
    ]:
        reported_value_enter(
            actor=ACTOR,
            program=program,
            indicator_key=key,
            year=YEAR,
            value=value,
            unit=unit,
            qualifier=qualifier,
            citation=CITATION,
        )


def _market_development(program: Program) -> None:
    participants = [
        enterprise_register(
            actor=ACTOR,
            organisation=_organisation(
                f"参展企业{number:02d}（示意）", f"Exhibitor {number:02d} (illustrative)", code, is_illustrative=True
            ),
            side=Side.RECIPIENT,
            programs=[program],
            sector=Sector.FOOD_PROCESSING,
            is_illustrative=True,
        )
        for number, code in enumerate(["5204", "5206", "520423", "520621", "520622", "5204"], start=1)
    ]
    market_event_record(
        actor=ACTOR,
        program=program,
        kind=EventKind.PROMOTION_FAIR,
        title="2009年贵州企业赴青岛展览和产品推介活动",
        place="青岛市",
        area=_area("3702"),
        start_date=datetime.date(YEAR, 1, 1),
        end_date=datetime.date(YEAR, 12, 31),
        participants=participants,
        participating_enterprises_count=70,
        direct_sales_fen=1_000_000 * YUAN,
        order_value_fen=100_000_000 * YUAN,
        qualifiers={
            "participating_enterprises": Qualifier.MORE_THAN,
            "direct_sales": Qualifier.NEARLY,
            "order_value": Qualifier.MORE_THAN,
        },
        export_destinations=["JP", "KR", "HK"],
        export_port="青岛港 Qingdao Port",
        citation=CITATION,
        note="全年活动合计，日期跨全年；登记的参展企业为示意。The year's activities together; "
        "the registered exhibitors are illustrative.",
    )
