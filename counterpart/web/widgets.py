"""The search pickers' widgets (django-autocomplete-light), fit for the Content-Security-Policy.

dal writes the configuration of forwarded fields in a ``<div style="display:none">``: a style attribute,
which ``style-src 'self'`` blocks (and Chromium reports). The same element hidden by the ``hidden``
attribute is hidden alike and breaks no policy.
"""

from collections.abc import Sequence
from typing import Any

from dal import autocomplete
from dal import forward as dal_forward
from django.utils.translation import gettext_lazy as _


class _Forwards:
    def render_forward_conf(self, id: Any) -> str:
        html: str = super().render_forward_conf(id)  # type: ignore[misc]
        return html.replace('<div style="display:none" ', "<div hidden ", 1)


class PickerSelect(_Forwards, autocomplete.ModelSelect2):
    pass


class PickerSelectMultiple(_Forwards, autocomplete.ModelSelect2Multiple):
    pass


class PickerChoice(_Forwards, autocomplete.Select2):
    pass


def picker(
    url: str,
    *,
    forward: Sequence[Any] = (),
    multiple: bool = False,
    constants: dict[str, str] | None = None,
    placeholder: Any = None,
    clearable: bool = False,
    of_values: bool = False,
) -> Any:
    """The search picker of ``url`` (a picker view of pickers.py): names typed, matches shown with their code
    small; ``forward`` names form fields whose values narrow the matches, ``constants`` fixed ones;
    ``of_values`` for a plain choice field (a list filter's code) rather than a record."""
    attrs: dict[str, Any] = {
        "data-html": "true",
        "data-minimum-input-length": 1,
        "data-placeholder": placeholder or _("输入名称搜索"),
    }
    if clearable:
        attrs["data-allow-clear"] = "true"
    forwards = [*forward, *(dal_forward.Const(value, name) for name, value in (constants or {}).items())]
    widget = PickerChoice if of_values else PickerSelectMultiple if multiple else PickerSelect
    return widget(url=url, attrs=attrs, forward=forwards or None)
