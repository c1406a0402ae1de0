"""Form widgets shared by every app."""

from django import forms


class DayFirstDateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy in every language.

    A browser's own date picker follows the device's locale (month first on an English phone),
    so the product uses a text box with the format spelled out instead.
    """

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_day_first(raw: str):
    """Return the date typed as dd/mm/yyyy (or ISO, as links carry it); ValueError otherwise."""
    from datetime import datetime

    for pattern in DAY_FIRST_FORMATS:
        try:
            return datetime.strptime(raw.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(raw)
