"""The drill-down filters of every list, as a reader chooses them: the program by name (a select of the
programs the user sees, the one preselected when there is one), the year as a number, the area by name with
a search picker within the user's scope (web/pickers.py ``ScopeAreaPicker``; the code shown small).

The values are those of the drill-down contract (lists.py): a program's slug and an area's code, which is a
prefix of the codes below it; a link from the dashboard and a choice here filter alike.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from counterpart.access.scoping import scoped
from counterpart.core.language import pick
from counterpart.registry.models import Area, Program

from .lists import ListSpec
from .widgets import picker

_ALL: tuple[str, Any] = ("", _("全部"))


def _area_label(area: Area) -> str:
    return pick(area.name_zh, area.name_en)


class DrillForm(forms.Form):
    program = forms.ChoiceField(required=False, label=_("协作项目"))
    year = forms.CharField(required=False, label=_("年度"), widget=forms.TextInput(attrs={"size": 6}))
    area = forms.ChoiceField(
        required=False,
        label=_("地区"),
        widget=picker("web:pick_scope_area", placeholder=_("输入地区名称搜索"), clearable=True, of_values=True),
    )

    def __init__(self, spec: ListSpec, user: Any, applied: dict[str, str]) -> None:
        super().__init__(initial={key: applied.get(key, "") for key in ("program", "year", "area")})
        for name in ("program", "year", "area"):
            if not getattr(spec, name):
                del self.fields[name]
        if "program" in self.fields:
            programs = scoped(Program.objects.only("slug", "name_zh", "name_en"), user).order_by("slug")
            choices: list[tuple[str, Any]] = [(p.slug, pick(p.name_zh, p.name_en)) for p in programs]
            # One program: named, not offered among others (the list shows its records either way).
            offered = choices if len(choices) == 1 else [_ALL, *choices]
            self.fields["program"].choices = offered  # type: ignore[attr-defined]
            if len(choices) == 1 and not self.initial["program"]:
                self.initial["program"] = choices[0][0]
        if "area" in self.fields:
            code = applied.get("area", "")
            chosen = Area.objects.filter(pk=code).first() if code else None
            named = [(chosen.pk, _area_label(chosen))] if chosen else []
            self.fields["area"].choices = [_ALL, *named]  # type: ignore[attr-defined]
