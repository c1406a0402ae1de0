import json

from django import template
from django.forms import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def widget_attr(bound_field, name):
    """Return a widget attribute, e.g. ``field|widget_attr:"data-relevant"``."""
    return bound_field.field.widget.attrs.get(name, "")


@register.filter
def to_json(value):
    """Return JSON for a data attribute (autoescaping makes it safe in the attribute)."""
    return json.dumps(value, ensure_ascii=False, default=str)


@register.simple_tag
def error_summary(form) -> list[tuple[str, str]]:
    """Return (field id, "question: message") for every error of a step, in page order.

    A step's form is a form, or a formset of member forms (named "Thành viên n").
    """
    entries: list[tuple[str, str]] = []
    forms = list(form) if isinstance(form, BaseFormSet) else [form]
    if isinstance(form, BaseFormSet):
        entries += [("", str(error)) for error in form.non_form_errors()]
    for number, member_form in enumerate(forms, start=1):
        if not member_form.is_bound or not member_form.errors:
            continue
        prefix = (
            _("Thành viên %(n)s") % {"n": number} + " – " if isinstance(form, BaseFormSet) else ""
        )
        entries += [("", prefix + str(error)) for error in member_form.non_field_errors()]
        for field in member_form:
            for error in field.errors:
                entries.append(
                    (field.id_for_label or field.auto_id, f"{prefix}{field.label}: {error}")
                )
    return entries
