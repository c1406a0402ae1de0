"""Semantic validation of a criteria set, shared by the workbook and YAML readers.

``validate_spec`` returns every problem of a ``CriteriaSpec`` at once. It knows
nothing about files: each problem is raised at a *logical path* and the caller's
``locate`` callback turns the path into a concrete place (a sheet, row and
column of the workbook, a line of the YAML file, or just the path itself).

Path syntax
-----------

A path is a dot-separated chain of segments; a segment may carry a key in
square brackets::

    code | version | subject | status | title | total_points | valid_from | valid_to
    digital_indicator | digital_min_points
    target_groups[<code>].<field>
    criteria[<code>].<field>
    indicators[<code>].<field>
    indicators[<code>].rules[<n>].type | .question
    indicators[<code>].rules[<n>].params.<param path>
    questions[<code>].<field>
    choice_lists[<name>].<field>
    choice_lists[<name>].choices[<name>].<field>
    recognition.<field>
    recognition.levels[<code>].<field>

* Items of a named collection (target groups, criteria, indicators, questions,
  choice lists, choices, recognition levels) are keyed by their code or name,
  which means the first item with that code. An item that cannot be named that
  way (an empty or unusable code, or the second item with a duplicate code) is
  keyed by its 1-based position with a ``#``: ``indicators[#7].code``.
* Rules have no code: ``rules[<n>]`` is the rule's 1-based position within its
  indicator, as the scoring sheet lists them.
* ``<param path>`` is the path ``criteria.rules`` reports for a parameter:
  ``cap``, ``points.often`` (a key of a mapping), ``bands[2].min`` (1-based
  position in a list).
* ``<field>`` is the ``CriteriaSpec`` field name (``max_points``, ``relevant``,
  ``choice_list`` ...); ``rules`` names an indicator's rules as a whole.

Examples: ``indicators[CD03].max_points``, ``questions[q_sessions].relevant``,
``indicators[CD03].rules[1].params.bands[2].min``, ``choice_lists[#4].name``.

Messages come in Vietnamese and English (pure code has no active language).
"""

from __future__ import annotations

from criteria.spec import CriteriaSpec
from criteria.validation.codes import (
    HOUSEHOLD_DETAILS,
    PROFILE_QUESTIONS,
    RESERVED_NAMES,
    SCORE_BUILTINS,
    SELECT_TYPES,
    XLSFORM_NAME,
)
from criteria.validation.paths import PLAIN_CODE, make_keys, resolve_key, split_path
from criteria.validation.points import check_recognition, check_stored_precision, check_sums
from criteria.validation.problems import (
    TOLERANCE,
    Collector,
    CriteriaImportError,
    Locate,
    Location,
    Problem,
    format_number,
)
from criteria.validation.questions import check_questions
from criteria.validation.rules import check_indicators
from criteria.validation.structure import (
    check_choice_lists,
    check_criteria,
    check_digital,
    check_header,
    check_target_groups,
)

__all__ = [
    "HOUSEHOLD_DETAILS",
    "PLAIN_CODE",
    "PROFILE_QUESTIONS",
    "RESERVED_NAMES",
    "SCORE_BUILTINS",
    "SELECT_TYPES",
    "TOLERANCE",
    "XLSFORM_NAME",
    "CriteriaImportError",
    "Locate",
    "Location",
    "Problem",
    "format_number",
    "make_keys",
    "resolve_key",
    "split_path",
    "validate_spec",
]


def validate_spec(spec: CriteriaSpec, *, locate: Locate) -> list[Problem]:
    """Return every semantic problem of ``spec``, each placed by ``locate`` (see module doc)."""
    out = Collector(locate)
    check_header(spec, out)
    check_target_groups(spec, out)
    check_criteria(spec, out)
    check_choice_lists(spec, out)
    check_questions(spec, out)
    check_indicators(spec, out)
    check_sums(spec, out)
    check_recognition(spec, out)
    check_digital(spec, out)
    check_stored_precision(spec, out)
    return out.problems
