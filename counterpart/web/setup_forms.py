"""The forms of program set-up (setup_views.py). Areas are chosen by name with a search picker
(django-autocomplete-light), the code shown small beside the name; the actions do every check."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from counterpart.access.models import Role
from counterpart.core.language import pick
from counterpart.indicators.models import Aggregation, AssessmentArea, Indicator, Topic
from counterpart.registry.models import Area, Organisation, OrganisationKind, Pairing, PairingLevel, Program

from .widgets import picker

_AREA_PICKER = "web:setup_area_autocomplete"


def area_field(label: Any, *, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Area.objects.all(),
        label=label,
        required=required,
        widget=picker(_AREA_PICKER),
    )


def areas_field(label: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Area.objects.all(),
        label=label,
        required=False,
        widget=picker(_AREA_PICKER, multiple=True),
    )


class ProgramCreateForm(forms.Form):
    name_zh = forms.CharField(max_length=200, label=_("项目名称"))
    slug = forms.SlugField(max_length=80, label=_("项目标识（英文字母、数字和连字符）"))
    name_en = forms.CharField(max_length=200, required=False, label=_("英文名称"))
    donor_area = area_field(_("帮扶方"))
    other_donor_areas = areas_field(_("其他帮扶方"))
    start_year = forms.IntegerField(min_value=1949, max_value=2100, label=_("起始年份"))
    end_year = forms.IntegerField(min_value=1949, max_value=2100, required=False, label=_("结束年份"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("说明"))


class ProgramEditForm(forms.Form):
    name_zh = forms.CharField(max_length=200, label=_("项目名称"))
    name_en = forms.CharField(max_length=200, required=False, label=_("英文名称"))
    other_donor_areas = areas_field(_("其他帮扶方"))
    end_year = forms.IntegerField(min_value=1949, max_value=2100, required=False, label=_("结束年份"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("说明"))
    reason = forms.CharField(max_length=500, required=False, label=_("修改原因"))


class PairingCreateForm(forms.Form):
    level = forms.ChoiceField(choices=PairingLevel.choices, initial=PairingLevel.DISTRICT_COUNTY, label=_("结对层级"))
    donor_area = area_field(_("帮扶方"))
    recipient_area = area_field(_("受援方"))
    valid_from = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        required=False, label=_("结束日期（含）"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=2000, required=False, label=_("备注"))


class PairingEndForm(forms.Form):
    valid_to = forms.DateField(label=_("最后有效日（含）"), widget=forms.DateInput(attrs={"type": "date"}))
    successor = forms.ModelChoiceField(queryset=Pairing.objects.none(), required=False, label=_("接续的结对关系"))
    reason = forms.CharField(max_length=500, required=False, label=_("原因"))

    def __init__(self, *args: Any, pairing: Pairing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Pairing.objects.filter(program_id=pairing.program_id).exclude(pk=pairing.pk)


class OrganisationCreateForm(forms.Form):
    name_zh = forms.CharField(max_length=200, label=_("单位名称"))
    kind = forms.ChoiceField(choices=OrganisationKind.choices, label=_("单位类型"))
    area = area_field(_("所在地区"))
    name_en = forms.CharField(max_length=200, required=False, label=_("英文名称"))
    credit_code = forms.CharField(max_length=18, required=False, label=_("统一社会信用代码"))


class IndicatorCreateForm(forms.Form):
    """The assessment area follows from the topic: the form asks for it only as an exception."""

    name_zh = forms.CharField(max_length=100, label=_("指标名称"))
    key = forms.CharField(max_length=60, label=_("指标代码（小写英文字母、数字和下划线）"))
    topic = forms.ChoiceField(choices=Topic.choices, label=_("指标类别"))
    unit = forms.CharField(max_length=30, label=_("单位"))
    aggregation = forms.ChoiceField(choices=Aggregation.choices, label=_("汇总方式"))
    name_en = forms.CharField(max_length=150, required=False, label=_("英文名称"))
    other_assessment_area = forms.ChoiceField(
        choices=[("", _("（按指标类别）")), *AssessmentArea.choices],
        required=False,
        label=_("另定考核领域（通常不必填写）"),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("说明"))


class IndicatorChoiceField(forms.ModelChoiceField):
    """Indicators by their name (not their key), in the page's language where the catalogue has it."""

    def label_from_instance(self, obj: Any) -> str:
        return pick(obj.name_zh, obj.name_en)


class TargetSetForm(forms.Form):
    indicator = IndicatorChoiceField(queryset=Indicator.objects.order_by("topic", "name_zh"), label=_("指标"))
    pairing = forms.ModelChoiceField(
        queryset=Pairing.objects.none(), required=False, label=_("结对关系（不选为全项目）")
    )
    year = forms.IntegerField(min_value=1949, max_value=2100, label=_("年份"))
    value = forms.DecimalField(min_value=0, max_digits=20, decimal_places=2, label=_("目标值"))
    agreement = forms.CharField(max_length=300, required=False, label=_("协议"))

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pairing"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Pairing.objects.filter(program=program).select_related("donor_area", "recipient_area")


# The roles a program office grants (auditors are appointed by an administrator).
GRANTABLE_ROLES = [
    (Role.RECIPIENT_OFFICE.value, Role.RECIPIENT_OFFICE.label),
    (Role.DONOR_DISTRICT_OFFICE.value, Role.DONOR_DISTRICT_OFFICE.label),
    (Role.ENTERPRISE.value, Role.ENTERPRISE.label),
    (Role.PROGRAM_OFFICE.value, Role.PROGRAM_OFFICE.label),
]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=GRANTABLE_ROLES, label=_("角色"))
    area = area_field(_("地区（受援方或帮扶方区县）"), required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE),
        required=False,
        label=_("企业"),
    )


class AccountInviteForm(RoleForm):
    username = forms.CharField(max_length=150, label=_("用户名"))
    email = forms.EmailField(required=False, label=_("电子邮件（填写则发送设置密码的链接）"))

    field_order = ["username", "email", "role", "area", "organisation"]


class MembershipGrantForm(RoleForm):
    username = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        label=_("用户"),
    )

    field_order = ["username", "role", "area", "organisation"]


class MembershipEditForm(forms.Form):
    """A role's area (a recipient or donor district office's) or enterprise, changed in place."""

    area = area_field(_("地区（受援方或帮扶方区县）"), required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE), required=False, label=_("企业")
    )
    reason = forms.CharField(max_length=500, required=False, label=_("修改原因"))

    def __init__(self, *args: Any, subject: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the subject the role is about: an area's office has no enterprise to change, and the reverse.
        del self.fields["organisation" if subject == "area" else "area"]
        self.fields[subject].required = True


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(min_value=1949, max_value=2100, label=_("年度"))


class ReportCertifyForm(forms.Form):
    year = _year_field()
    note = forms.CharField(max_length=2000, required=False, label=_("核定说明"))


class PeriodLockForm(forms.Form):
    year = _year_field()
    reason = forms.CharField(max_length=500, label=_("锁定原因"))


class PeriodUnlockForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("解锁原因（必填）"))
