import json

from django import template

register = template.Library()


@register.filter
def widget_attr(bound_field, name):
    """Return a widget attribute, e.g. ``field|widget_attr:"data-relevant"``."""
    return bound_field.field.widget.attrs.get(name, "")


@register.filter
def to_json(value):
    """Return JSON for a data attribute (autoescaping makes it safe in the attribute)."""
    return json.dumps(value, ensure_ascii=False, default=str)
