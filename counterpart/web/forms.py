"""Forms of the application. They parse input and limit choices to the user's scope; the domain
services do the rest. A form declares only what a user may set: never status, approver or author.

Every foreign key is chosen from what the user may see (``scoped()``); whether they may write
where they chose is the domain action's question (the one policy), whose refusal lands on the
field that chose it.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from counterpart.access.scoping import scoped
from counterpart.core.errors import InvalidInput
from counterpart.core.language import pick
from counterpart.core.money import fen_to_yuan, yuan_to_fen
from counterpart.enterprise.models import Enterprise, EnterpriseReport
from counterpart.enterprise.services import ReportFigures
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.intake.workbooks import WORKBOOK
from counterpart.people.identity import identity_blind_index, identity_parse
from counterpart.people.models import (
    Household,
    Person,
    PovertyCause,
    PovertyStatus,
    Relation,
    Sex,
    TrainingKind,
)
from counterpart.projects.models import ComponentStatus, Project, ProjectCategory
from counterpart.registry.models import Area, AreaLevel, Pairing, Program

from .widgets import picker

# Where projects are carried out and persons registered: counties, townships and villages. Whether
# the user may write there is the action's question (the one policy), answered on the same field.
_PLACES = Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])
_PLACE_LEVELS = ",".join([AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])


def _refuse(message: str) -> forms.ValidationError:
    # Shown beside the field, which the reader sees: neither its name nor the value repeated.
    return forms.ValidationError(message)


def place_field(label: Any, allowed: QuerySet[Area], *, levels: str = "", required: bool = True) -> Any:
    """An area chosen by name among those of the user's scope (the picker), valid among ``allowed``;
    whether the user may write there is the action's question."""
    return forms.ModelChoiceField(
        queryset=allowed,
        label=label,
        required=required,
        widget=picker("web:pick_scope_area", constants={"levels": levels} if levels else None),
        error_messages={
            "required": _("请选择地区"),
            "invalid_choice": _("该地区不存在或不在您的管辖范围内"),
        },
    )


def programs_for(user: Any) -> QuerySet[Program]:
    """Programs a user works in: those their roles reach directly or through a pairing of their area."""
    pairing_programs = scoped(Pairing, user).values("program_id")
    return Program.objects.filter(Q(pk__in=scoped(Program, user).values("pk")) | Q(pk__in=pairing_programs)).order_by(
        "slug"
    )


class ScopedForm(forms.Form):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def _yuan(self, name: str, *, required: bool = True) -> int | None:
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            if required:
                raise _refuse(gettext("必须填写金额"))
            return None
        try:
            return yuan_to_fen(raw, name)
        except InvalidInput as error:
            raise _refuse(error.reason) from None


class ProjectProposeForm(ScopedForm):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("协作项目"))
    code = forms.CharField(max_length=40, label=_("项目编号"))
    title_zh = forms.CharField(max_length=200, label=_("项目名称"))
    title_en = forms.CharField(max_length=200, required=False, label=_("英文名称"))
    category = forms.ChoiceField(choices=ProjectCategory.choices, label=_("类别"))
    recipient_area = place_field(_("实施地点"), _PLACES, levels=_PLACE_LEVELS)
    pairing = forms.ModelChoiceField(queryset=Pairing.objects.none(), required=False, label=_("结对关系"))
    year = forms.IntegerField(min_value=1949, max_value=2100, label=_("年度"))
    budget = forms.CharField(max_length=30, label=_("预算（元）"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("项目内容"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs_for(self.user)  # type: ignore[attr-defined]
        self.fields["pairing"].queryset = scoped(Pairing, self.user).select_related(  # type: ignore[attr-defined]
            "donor_area", "recipient_area", "donor_organisation", "recipient_organisation"
        )
        self.fields["pairing"].label_from_instance = Pairing.label  # type: ignore[attr-defined]

    def clean_budget(self) -> int | None:
        return self._yuan("budget")


class LedgerRecordForm(ScopedForm):
    KINDS = [
        (TransactionKind.COMMITMENT.value, TransactionKind.COMMITMENT.label),
        (TransactionKind.DISBURSEMENT.value, TransactionKind.DISBURSEMENT.label),
    ]
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("协作项目"))
    kind = forms.ChoiceField(choices=KINDS, label=_("环节"))
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(choices=FundSource.choices, required=False, label=_("资金来源"))
    amount = forms.CharField(max_length=30, label=_("金额（元）"))
    commitment = forms.ModelChoiceField(
        queryset=LedgerTransaction.objects.none(),
        required=False,
        label=_("所属承诺（拨付时必填）"),
        widget=picker("web:pick_commitment", forward=["program"]),
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        label=_("项目"),
        widget=picker("web:pick_project", forward=["program"]),
    )
    recipient_area = place_field(_("受援地区"), Area.objects.all(), required=False)
    description = forms.CharField(max_length=255, required=False, label=_("摘要"))
    external_ref = forms.CharField(max_length=60, required=False, label=_("外部编号"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs_for(self.user)  # type: ignore[attr-defined]
        self.fields["project"].queryset = scoped(Project, self.user)  # type: ignore[attr-defined]
        self.fields["commitment"].queryset = scoped(  # type: ignore[attr-defined]
            LedgerTransaction, self.user
        ).filter(kind=TransactionKind.COMMITMENT)

    def clean_amount(self) -> int | None:
        return self._yuan("amount")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        program = data.get("program")
        if program is None:
            return data
        project = data.get("project")
        if project is not None and project.program_id != program.pk:
            self.add_error("project", _refuse(gettext("本协作项目中没有您可见的该项目")))
        commitment = data.get("commitment")
        if data.get("kind") == TransactionKind.DISBURSEMENT:
            if commitment is None or commitment.program_id != program.pk:
                self.add_error("commitment", _refuse(gettext("拨付须注明本协作项目中一笔可见的承诺")))
        else:
            data["commitment"] = None
            if not data.get("source"):
                self.add_error("source", _refuse(gettext("承诺须注明资金来源")))
        return data


class HouseholdRegisterForm(ScopedForm):
    number = forms.CharField(max_length=40, label=_("户编号"))
    village = place_field(_("所在村"), Area.objects.filter(level=AreaLevel.VILLAGE), levels=AreaLevel.VILLAGE)
    poverty_cause = forms.ChoiceField(choices=PovertyCause.choices, label=_("致贫原因"))
    year = forms.IntegerField(min_value=1949, max_value=2100, label=_("建档年度"))
    helper_name = forms.CharField(max_length=100, required=False, label=_("帮扶责任人"))


class PersonRegisterForm(ScopedForm):
    name = forms.CharField(max_length=100, label=_("姓名"))
    sex = forms.ChoiceField(choices=Sex.choices, label=_("性别"))
    birth_date = forms.DateField(required=False, label=_("出生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    identity_number = forms.CharField(
        max_length=18, required=False, label=_("身份证号码"), widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    area = place_field(_("户籍所在地"), _PLACES, levels=_PLACE_LEVELS)
    household = forms.CharField(max_length=40, required=False, label=_("户编号"))
    relation = forms.ChoiceField(choices=Relation.choices, initial=Relation.NONE, required=False, label=_("与户主关系"))

    def clean_household(self) -> Household | None:
        number = (self.cleaned_data.get("household") or "").strip()
        if not number:
            return None
        household = scoped(Household, self.user).filter(number=number).first()
        if household is None:
            raise _refuse(gettext("没有您可见的该户"))
        return household


class TrainingRecordForm(ScopedForm):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("协作项目"))
    kind = forms.ChoiceField(choices=TrainingKind.choices, label=_("培训类型"))
    title = forms.CharField(max_length=200, label=_("培训名称"))
    place = place_field(_("培训地点"), Area.objects.all())
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    organiser_name = forms.CharField(max_length=200, required=False, label=_("主办单位"))
    reported_participants = forms.IntegerField(min_value=0, required=False, label=_("上报参训人数"))
    participants = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("参训人员"),
        widget=picker("web:pick_person", multiple=True),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs_for(self.user)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = scoped(Person, self.user)  # type: ignore[attr-defined]

    def clean_participants(self) -> list[Person]:
        return list(self.cleaned_data.get("participants") or [])


class EnterpriseReportFiguresForm(ScopedForm):
    """The figures of an enterprise's annual report: what the enterprise types, and corrects when
    the program office returns the report."""

    actual_investment = forms.CharField(max_length=30, required=False, label=_("实际投资（元）"))
    total_assets = forms.CharField(max_length=30, required=False, label=_("总资产（元）"))
    annual_output = forms.CharField(max_length=30, required=False, label=_("年产值（元）"))
    taxes_paid = forms.CharField(max_length=30, required=False, label=_("纳税（元）"))
    jobs_created = forms.IntegerField(min_value=0, required=False, label=_("新增就业"))
    people_helped_into_jobs = forms.IntegerField(min_value=0, required=False, label=_("带动就业"))
    employees = forms.IntegerField(min_value=0, required=False, label=_("员工数"))

    def report_figures(self) -> ReportFigures:
        data = self.cleaned_data
        return ReportFigures(
            actual_investment_fen=data["actual_investment"],
            total_assets_fen=data["total_assets"],
            annual_output_fen=data["annual_output"],
            taxes_paid_fen=data["taxes_paid"],
            jobs_created=data["jobs_created"],
            people_helped_into_jobs=data["people_helped_into_jobs"],
            employees=data["employees"],
        )

    @staticmethod
    def initial_of(report: EnterpriseReport) -> dict[str, Any]:
        """The report's figures as the form shows them (yuan, not fen), to correct a returned report."""
        money = {"actual_investment", "total_assets", "annual_output", "taxes_paid"}
        initial: dict[str, Any] = {}
        for name in ("jobs_created", "people_helped_into_jobs", "employees", *sorted(money)):
            value = getattr(report, f"{name}_fen" if name in money else name)
            initial[name] = fen_to_yuan(value) if name in money and value is not None else value
        return initial

    def clean_actual_investment(self) -> int | None:
        return self._yuan("actual_investment", required=False)

    def clean_total_assets(self) -> int | None:
        return self._yuan("total_assets", required=False)

    def clean_annual_output(self) -> int | None:
        return self._yuan("annual_output", required=False)

    def clean_taxes_paid(self) -> int | None:
        return self._yuan("taxes_paid", required=False)


class EnterpriseReportForm(EnterpriseReportFiguresForm):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("企业"))
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("协作项目"))
    year = forms.IntegerField(min_value=1949, max_value=2100, label=_("年度"))
    area = place_field(_("报告覆盖地区"), Area.objects.all())
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("备注"))
    field_order = ["enterprise", "program", "year", "area"]

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            enterprises__in=enterprises
        ).distinct()


def household_label(household: Household, *, html: bool = False) -> str:
    """A household as a picker shows it: its head's name, its number and its village with the township,
    each place in the page's language; in the search results (``html``) also the head's masked identity
    number (never a clear one), small, to tell two heads of one name apart."""
    head = household.head
    name = head.name if head is not None else gettext("未登记户主")
    masked = head.identity_masked if head is not None else ""
    village = household.village
    places = [village] if village.parent is None else [village.parent, village]
    place = " ".join(pick(area.name_zh, area.name_en) for area in places)
    if html:
        return format_html('{} <small class="code">{} {}</small> {}', name, household.number, masked, place)
    return " ".join(part for part in (name, household.number, place) if part)


class HouseholdChoiceField(forms.ModelChoiceField):
    """A household chosen in the search picker; shown again (a form sent back) as the picker shows it."""

    def label_from_instance(self, obj: Any) -> str:
        return household_label(obj)


class BeneficiaryForm(ScopedForm):
    """A poor household that a project reached, chosen by its head's name or its number among those the
    user may write for, or one of its members by identity number; on a date. Errors are the action's
    words, without field names or the values typed."""

    household = HouseholdChoiceField(
        queryset=Household.objects.none(),
        required=False,
        label=_("受益户（输入户主姓名或户编号搜索）"),
        error_messages={"invalid_choice": _("请从搜索结果中选择一户")},
        widget=picker("web:pick_household", placeholder=_("户主姓名或户编号"), clearable=True),
    )
    identity_number = forms.CharField(
        max_length=18,
        required=False,
        label=_("或：身份证号码（个人受益时）"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date = forms.DateField(label=_("受益日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        households = scoped(Household.objects.select_related("head", "village__parent"), self.user, for_write=True)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        identity = (data.get("identity_number") or "").strip()
        data["person"] = None
        if "household" not in data:  # refused by the field already (not one of the user's)
            return data
        if (data["household"] is None) == (not identity):
            self.add_error("household", gettext("请选择一户，或填写一人的身份证号码（二者选一）"))
            return data
        if identity:
            try:
                parsed = identity_parse(identity, "identity_number")
            except InvalidInput as error:
                self.add_error("identity_number", error.reason)
                return data
            found = scoped(Person, self.user, for_write=True).filter(
                identity_blind_index=identity_blind_index(parsed.number)
            )
            data["person"] = found.first()
            if data["person"] is None:
                self.add_error("identity_number", gettext("没有该身份证号码的登记人员"))
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label=_("说明"))


class ReversalForm(forms.Form):
    date = forms.DateField(label=_("冲销日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=255, label=_("冲销原因"))


class HouseholdStatusForm(forms.Form):
    year = forms.IntegerField(min_value=1949, max_value=2100, label=_("年度"))
    status = forms.ChoiceField(choices=PovertyStatus.choices, label=_("贫困状态"))
    reason = forms.CharField(max_length=255, required=False, label=_("原因（返贫须填写）"))


class VillageComponentForm(forms.Form):
    status = forms.ChoiceField(choices=ComponentStatus.choices, label=_("完成状态"))
    completed_on = forms.DateField(required=False, label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(max_length=2000, required=False, label=_("证明材料"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("佐证材料（JPEG、PNG 照片或 PDF）"))
    caption = forms.CharField(max_length=200, required=False, label=_("说明"))


class RevealForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("查看原因"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("文件（XLSX 或 CSV）"))
    kind = forms.ChoiceField(required=False, label=_("数据类型（留空则按表头判断）"))
    dry_run = forms.BooleanField(required=False, label=_("仅校验，不写入（试运行）"))

    def __init__(self, *args: Any, kinds: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (kind.key, pick(kind.name_zh, kind.name_en)) for kind in kinds
        ]
        if kinds:  # several kinds in one workbook, a sheet each (intake/workbooks.py)
            self.fields["kind"].choices += [(WORKBOOK, _("多类数据工作簿（每类一个工作表）"))]  # type: ignore[attr-defined]


def form_error_from(form: Any, error: InvalidInput, *, plain: bool = False) -> None:
    """A domain refusal shown on the form: on its field when the form has it (in the reader's words, without
    the field's name or the value, which the reader sees beside it), else on the form (``plain``: there too
    in the reader's words only, for a form whose fields are not the action's)."""
    on_field = error.field in form.fields
    message = error.reason if on_field or plain else (error.messages[0] if error.messages else str(error))
    form.add_error(error.field if on_field else None, message)
