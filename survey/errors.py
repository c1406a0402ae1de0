"""The exceptions of survey operations, apart so that every survey module can raise them."""


class SurveyError(Exception):
    """An operation that is refused, with a message for the user."""


class EditConflict(SurveyError):
    pass


class UnitLocked(SurveyError):
    """The commune is approved and locked for the round: nothing in it may change."""
