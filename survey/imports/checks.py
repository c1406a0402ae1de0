"""Turn the rows of a file into household submissions under the web form's own rules.

Pure: plain rows and a plain context in; ``Submission`` objects and located
problems out. Nothing here reads or writes the database.

Every rule is the web form's: each answer is cleaned by the field the form
builds for it (``survey.forms.FIELD_BUILDERS``), relevance is
``survey.steps.is_asked`` in the order of the form's steps, required answers and
constraints are ``survey.forms.check_answer``, and the household and member
details go through the fields of ``HouseholdForm`` and ``MemberForm``, with the
same group-age and one-head checks. A question that is not asked is never
required, and an answer to it is dropped, as the web form drops it.

Those rules are pure functions of a few values, so their results are memoised
on exactly the values they read (the raw text of a cell; the group and the
answers a ``relevant`` or ``constraint`` expression names): a file of 100,000
members repeats the same few values in every column.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from survey.imports.answers import AnswerChecker
from survey.imports.context import ImportContext
from survey.imports.households import HouseholdChecker
from survey.imports.members import MemberChecker
from survey.imports.problems import Problem
from survey.imports.reporting import Report
from survey.imports.rows import Checked, ParsedHousehold, RawHousehold
from survey.services import Submission


class Checker:
    """Check households one at a time, collecting every problem; see the module docstring.

    Each concern has its checker (``households``, ``members``, ``answers``); they share
    one ``Report``, so the problems keep the order in which a household's row and its
    members' rows are read.
    """

    def __init__(self, *, context: ImportContext, uncollected: Collection[str] = ()):
        self.context = context
        self.report = Report()
        self.details = HouseholdChecker(context=context, report=self.report)
        self.answers = AnswerChecker(context=context, report=self.report)
        self.members = MemberChecker(
            context=context, report=self.report, answers=self.answers, uncollected=uncollected
        )

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    def warnings(self) -> list[Problem]:
        return self.report.warnings()

    def household(self, raw: RawHousehold) -> ParsedHousehold | None:
        """Return the household as a submission, or None after adding its problems."""
        before = len(self.problems)
        record = raw.record
        details = self.details
        unit = details.unit(record)
        village = details.text(record, "village")
        address = details.text(record, "address")
        head_name = details.text(record, "head_name")
        day = details.day(record)
        year = (day or self.context.period[0]).year
        members = [self.members.member(member, year=year) for member in raw.members]
        self.members.check_count(raw)
        answers = self.answers.household_answers(record)
        if len(self.problems) > before:
            return None
        return ParsedHousehold(
            sheet=record.sheet.name,
            row=record.row,
            key=raw.key,
            key_column=record.column(raw.key_field),
            source=raw.source,
            submission=Submission(
                unit=unit or "",
                village=village or "",
                address=address or "",
                head_name=head_name or "",
                survey_date=day or self.context.period[0],
                members=[m for m in members if m is not None],
                household_answers=answers,
                kept_answers=self.answers.kept,
            ),
        )


def check_households(
    *, households: Sequence[RawHousehold], context: ImportContext, uncollected: Collection[str] = ()
) -> Checked:
    """Check every household of a file; return the valid ones and every problem found."""
    checker = Checker(context=context, uncollected=uncollected)
    parsed = []
    members = 0
    for raw in households:
        members += len(raw.members)
        result = checker.household(raw)
        if result is not None:
            parsed.append(result)
    return Checked(parsed, checker.problems, checker.warnings(), members, len(households))
