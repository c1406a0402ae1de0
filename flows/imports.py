"""Import a file of households into a round, scored: the import channel's use case."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User

from flows.import_scores import record_imported_scores
from scoring.services import record_response_scores
from survey.imports.files import DEFAULT_LIMITS, Limits
from survey.imports.service import ImportReport, write_import
from survey.imports.writer import Written
from survey.models import HouseholdResponse, Round

# The new responses' scoring, by the name the fault tests replace.
record_new_responses_scores = record_imported_scores


def _score_written(
    *, round_: Round, created: Written, corrected: Sequence[HouseholdResponse]
) -> None:
    record_new_responses_scores(round_=round_, created=created)
    for response in corrected:
        record_response_scores(response=response)


def import_responses(
    *,
    round_: Round,
    user: User,
    data: bytes,
    filename: str = "",
    source: str | None = None,
    update: bool = False,
    check_only: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    max_members: int | None = None,
) -> ImportReport:
    """Import a paper workbook, a Kobo XLSX export or an ODK Central CSV zip into ``round_``.

    All or nothing: raise ``ImportRefused`` with every problem (sheet, row, column,
    message) and write nothing, or write and score every household and return the
    counts. Households already in the round are problems unless ``update``, which
    corrects them through the web form's correction path; unchanged ones are skipped.
    """
    return write_import(
        round_=round_,
        user=user,
        data=data,
        filename=filename,
        source=source,
        update=update,
        check_only=check_only,
        limits=limits,
        max_members=max_members,
        score_written=_score_written,
    )
