"""``{% web_menu as items %}``: the signed-in menu of the request's user (web/menu.py)."""

from typing import Any

from django import template

from counterpart.web.menu import MenuItem, menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def web_menu(context: dict[str, Any]) -> list[MenuItem]:
    request = context.get("request")
    return menu_for(getattr(request, "user", None))
