"""The forms of enterprise set-up (an enterprise, its operations and cooperation agreements), of an
enterprise's participation in a market event and of a labourer's job placement (enterprise_views.py).

Records are chosen by name with search pickers (pickers.py), among what the user may see; the domain
actions do every check, and their refusals land on the field that chose (``form_error_from``).
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counterpart.access.scoping import scoped
from counterpart.enterprise.models import Enterprise, Operation, OperationKind, Sector, Side
from counterpart.people.models import Person, Training
from counterpart.registry.models import Area, Organisation, OrganisationKind, Program

from .forms import ScopedForm, programs_for
from .templatetags.web_language import named
from .widgets import picker


def _place(label: Any, *, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Area.objects.all(),
        label=label,
        required=required,
        widget=picker("web:pick_place"),
    )


def _enterprise_organisation(label: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE),
        label=label,
        widget=picker("web:pick_enterprise_organisation"),
    )


def _sector(*, required: bool) -> forms.ChoiceField:
    choices: list[tuple[str, Any]] = list(Sector.choices) if required else [("", "—"), *Sector.choices]
    return forms.ChoiceField(choices=choices, required=required, label=_("行业"))


def _queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class _Named:
    """A program by its name in the page's language (one language per page)."""

    def label_from_instance(self, obj: Any) -> str:
        return named(obj)


class ProgramChoiceField(_Named, forms.ModelChoiceField):
    pass


class ProgramsChoiceField(_Named, forms.ModelMultipleChoiceField):
    pass


class YuanFields(ScopedForm):
    """Amounts typed in yuan, kept in fen (``_yuan``): optional unless a form says so."""

    money: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.money:
            if name in self.errors:
                continue
            try:
                data[name] = self._yuan(name, required=self.fields[name].required)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data


class EnterpriseRegisterForm(ScopedForm):
    organisation = _enterprise_organisation(_("企业（单位）"))
    side = forms.ChoiceField(choices=Side.choices, label=_("帮扶方或受援方"))
    sector = _sector(required=False)
    programs = ProgramsChoiceField(
        queryset=Program.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("参与的协作项目")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "programs", programs_for(self.user))


class OperationRecordForm(ScopedForm):
    organisation = _enterprise_organisation(_("经营实体（单位）"))
    kind = forms.ChoiceField(choices=OperationKind.choices, label=_("经营类型"))
    area = _place(_("所在地区（地级或县级）"))
    sector = _sector(required=True)
    start_year = forms.IntegerField(min_value=1949, max_value=2100, required=False, label=_("开办年份"))
    restructured_factory_name = forms.CharField(
        max_length=200, required=False, label=_("被重组的原工厂（重组工厂须填写）")
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("说明"))


class AgreementSignForm(YuanFields):
    money = ("agreed_investment",)

    program = ProgramChoiceField(queryset=Program.objects.none(), label=_("协作项目"))
    title = forms.CharField(max_length=200, label=_("协议名称"))
    signed_on = forms.DateField(label=_("签约日期"), widget=forms.DateInput(attrs={"type": "date"}))
    agreed_investment = forms.CharField(max_length=30, label=_("协议投资额（元）"))
    recipient_area = _place(_("受援地区"))
    operation = forms.ModelChoiceField(queryset=Operation.objects.none(), required=False, label=_("经营实体"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("备注"))

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "program", enterprise.programs.order_by("slug"))
        _queryset(self, "operation", enterprise.operations.select_related("organisation"))


class ParticipationForm(YuanFields):
    money = ("direct_sales", "order_value")

    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(),
        label=_("参会企业（受援方）"),
        widget=picker("web:pick_enterprise", constants={"side": Side.RECIPIENT.value}),
    )
    direct_sales = forms.CharField(max_length=30, required=False, label=_("现场销售额（元）"))
    order_value = forms.CharField(max_length=30, required=False, label=_("签约订单额（元）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "enterprise", scoped(Enterprise.objects.select_related("organisation"), self.user))


class JobPlacementForm(YuanFields):
    money = ("monthly_income",)

    program = ProgramChoiceField(queryset=Program.objects.none(), label=_("协作项目"))
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("转移就业人员"),
        widget=picker("web:pick_person"),
    )
    employer_name = forms.CharField(max_length=200, label=_("用工单位"))
    place = _place(_("就业地"))
    start_date = forms.DateField(label=_("就业日期"), widget=forms.DateInput(attrs={"type": "date"}))
    monthly_income = forms.CharField(max_length=30, label=_("月收入（元）"))
    training = forms.ModelChoiceField(
        queryset=Training.objects.none(),
        required=False,
        label=_("参加的培训（如有）"),
        widget=picker("web:pick_training"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "program", programs_for(self.user))
        _queryset(self, "person", scoped(Person.objects.select_related("area"), self.user, for_write=True))
        _queryset(self, "training", scoped(Training.objects.all(), self.user))
