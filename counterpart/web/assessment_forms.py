"""The forms of the yearly assessment's steps: they parse what each side enters, and put the domain's
refusals (``InvalidInput``: ``scores.funds``, an indicator's key, ``reason`` …) beside the field
they are about. Who may send which form is the action's to decide, through the one policy."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from counterpart.core.errors import InvalidInput
from counterpart.core.language import pick
from counterpart.dashboard.labels import choice_label, figure_text
from counterpart.indicators.models import Assessment, AssessmentArea, Verdict
from counterpart.registry.models import Pairing


def _score_field(label: str, initial: Decimal | None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, initial=initial, min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2
    )


def area_label(area: str) -> str:
    return choice_label(str(AssessmentArea(area).label))


class OpenForm(forms.Form):
    pairing: "forms.ModelChoiceField[Pairing]" = forms.ModelChoiceField(
        queryset=Pairing.objects.none(), label=_("结对关系"), empty_label=_("请选择")
    )
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)

    def __init__(self, *args: Any, pairings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["pairing"]
        field.queryset = pairings

    def refusal(self, error: InvalidInput) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.messages[0] if error.messages else str(error))


class SelfAssessForm(forms.Form):
    """The donor side's score (0–100) in each of the six areas, the evidence for it, and its report."""

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for score in assessment.scores.all():
            label = area_label(score.area)
            self.fields[f"score_{score.area}"] = _score_field(
                _("%(area)s 自评得分") % {"area": label}, score.self_score
            )
            self.fields[f"evidence_{score.area}"] = forms.CharField(
                label=_("%(area)s 佐证材料") % {"area": label},
                required=False,
                initial=score.self_comment,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=4000,
            )
            self.rows.append((label, self[f"score_{score.area}"], self[f"evidence_{score.area}"]))
        self.fields["summary"] = forms.CharField(
            label=_("自评报告"), initial=assessment.self_assessment, widget=forms.Textarea(attrs={"rows": 4})
        )

    def scores(self) -> dict[str, tuple[object, str]]:
        data = self.cleaned_data
        return {
            name.removeprefix("score_"): (data[name], data[f"evidence_{name.removeprefix('score_')}"])
            for name in self.fields
            if name.startswith("score_")
        }

    def refusal(self, error: InvalidInput) -> None:
        field = f"score_{error.field.removeprefix('scores.')}" if error.field.startswith("scores.") else "summary"
        self.add_error(field if field in self.fields else None, error.messages[0] if error.messages else str(error))


class ConfirmForm(forms.Form):
    """The recipient side's verdict on every figure: confirmed, or disputed with the reason."""

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        self.keys: dict[str, int] = {}
        choices = [(Verdict.CONFIRMED, _("确认")), (Verdict.DISPUTED, _("有异议"))]
        for figure in assessment.figures.select_related("indicator").order_by("indicator__key"):
            name = pick(figure.indicator.name_zh, figure.indicator.name_en)
            self.keys[figure.indicator.key] = figure.pk
            self.fields[f"verdict_{figure.pk}"] = forms.ChoiceField(
                label=_("%(figure)s 的确认意见") % {"figure": name},
                choices=choices,
                widget=forms.RadioSelect,
                initial=figure.verdict or None,
            )
            self.fields[f"reason_{figure.pk}"] = forms.CharField(
                label=_("%(figure)s 的异议理由") % {"figure": name},
                required=False,
                initial=figure.verdict_comment,
                max_length=2000,
            )
            value = figure_text(figure.value, figure.unit)
            self.rows.append((name, value, self[f"verdict_{figure.pk}"], self[f"reason_{figure.pk}"]))
        self.fields["comment"] = forms.CharField(
            label=_("受援方意见"),
            required=False,
            initial=assessment.recipient_comment,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def verdicts(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            int(name.removeprefix("verdict_")): (data[name], data[f"reason_{name.removeprefix('verdict_')}"])
            for name in self.fields
            if name.startswith("verdict_")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.fields:
            if name.startswith("verdict_") and data.get(name) == Verdict.DISPUTED:
                reason = f"reason_{name.removeprefix('verdict_')}"
                if not (data.get(reason) or "").strip():
                    self.add_error(reason, _("提出异议必须说明理由"))
        return data

    def refusal(self, error: InvalidInput) -> None:
        figure = self.keys.get(error.field)
        field = f"reason_{figure}" if figure is not None else None
        self.add_error(field, error.messages[0] if error.messages else str(error))


class CrossCheckForm(forms.Form):
    """The reviewer's final score of each area, beside the donor side's own, and the notes."""

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for score in assessment.scores.all():
            label = area_label(score.area)
            self.fields[f"final_{score.area}"] = _score_field(
                _("%(area)s 核定得分") % {"area": label}, score.self_score
            )
            self.rows.append((label, score.self_score, self[f"final_{score.area}"]))
        self.fields["notes"] = forms.CharField(
            label=_("核查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def final_scores(self) -> dict[str, object]:
        return {
            name.removeprefix("final_"): value for name, value in self.cleaned_data.items() if name.startswith("final_")
        }

    def refusal(self, error: InvalidInput) -> None:
        field = f"final_{error.field.removeprefix('final_scores.')}"
        self.add_error(field if field in self.fields else None, error.messages[0] if error.messages else str(error))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def refusal(self, error: InvalidInput) -> None:
        field = "reason" if error.field == "reason" else None
        self.add_error(field, error.messages[0] if error.messages else str(error))


class EmptyForm(forms.Form):
    """Submitting and finalising take nothing but the button."""

    def refusal(self, error: InvalidInput) -> None:
        self.add_error(None, error.messages[0] if error.messages else str(error))


class EvidenceForm(forms.Form):
    """A file as evidence for the self-assessment, for one area or the whole."""

    file = forms.FileField(label=_("佐证材料（JPEG、PNG 照片或 PDF）"))
    area = forms.ChoiceField(required=False, label=_("考核领域"))
    caption = forms.CharField(max_length=200, required=False, label=_("说明"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["area"]
        field.choices = [("", _("（全部）")), *((value, area_label(value)) for value in AssessmentArea.values)]

    def refusal(self, error: InvalidInput) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.messages[0] if error.messages else str(error))
