"""A household's own details (commune, village, address, head, survey date) from its row.

They go through the fields of ``HouseholdForm``, with its period check, as on the web form.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext, gettext_noop

from survey.forms import HouseholdForm
from survey.imports.context import ImportContext
from survey.imports.problems import bilingual
from survey.imports.reporting import Report, required_message
from survey.imports.rows import Record
from survey.imports.values import clean_char, not_a_day, parse_day
from units.text import nfc

# The web form's own message (survey.forms), translated by the same catalogue.
PERIOD_MESSAGE = gettext_noop("Ngày khảo sát phải trong thời gian của đợt (%(start)s – %(end)s).")


class HouseholdChecker:
    """Check the details of each household row, reporting into ``report``."""

    def __init__(self, *, context: ImportContext, report: Report):
        self.context = context
        self.report = report
        start, end = context.period
        self.household_fields = HouseholdForm(units=[], period=context.period).fields
        dates = {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        self.period_message = bilingual(
            lambda: gettext(PERIOD_MESSAGE) % dates,
            "The survey date must be within the round ({start} – {end}).".format(**dates),
        )
        self.required_message = required_message()

    def unit(self, record: Record) -> str | None:
        """Return the key of the commune the row names (``UnitDirectory``)."""
        text = self._required(record, "unit")
        if not text:
            return None
        key, problem = self.context.units.resolve(text)
        if problem:
            self.report.add(record, "unit", problem)
        return key

    def text(self, record: Record, name: str) -> str | None:
        """Return a text detail as ``HouseholdForm`` cleans it; "" without its column."""
        text = self.report.value(record, name)
        if text is None:
            return ""
        value, problem = clean_char(self.household_fields[name], text)
        if problem:
            self.report.add(record, name, problem)
            return None
        return nfc(" ".join(value.split()))  # as HouseholdForm.clean_<name>

    def day(self, record: Record) -> date | None:
        """Return the survey date, which must be in the round's period."""
        text = self._required(record, "survey_date")
        if not text:
            return None
        day = parse_day(text)
        if day is None:
            self.report.add(record, "survey_date", not_a_day(text))
            return None
        start, end = self.context.period
        if not start <= day <= end:
            self.report.add(record, "survey_date", self.period_message)
            return None
        return day

    def _required(self, record: Record, name: str) -> str | None:
        """Return a required cell's text; None when the column is absent, or empty (reported)."""
        text = self.report.value(record, name)
        if text == "":
            self.report.add(record, name, self.required_message)
            return None
        return text
