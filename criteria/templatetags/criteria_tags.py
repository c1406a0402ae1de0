from django import template

register = template.Library()


@register.filter
def get_list(lists, name):
    """Return the choices of the named choice list (templates cannot index by a variable)."""
    choice_list = lists.get(name) if name else None
    return choice_list.choices if choice_list else ()
