"""The exceptions of survey operations, apart so that every survey module can raise them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from survey.models import HouseholdResponse


class SurveyError(Exception):
    """An operation that is refused, with a message for the user."""


class EditConflict(SurveyError):
    pass


class UnitLocked(SurveyError):
    """The commune is approved and locked for the round: nothing in it may change."""


class AlreadySurveyed(SurveyError):
    """The household already has a response in the round; ``response`` is that one."""

    def __init__(self, message: str, *, response: HouseholdResponse):
        super().__init__(message)
        self.response = response
