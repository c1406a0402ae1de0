"""The criteria workbook (.xlsx): a criteria set that is also a valid XLSForm.

Sheets (docs/criteria-format.md explains them for the people who edit them):

* ``survey`` (XLSForm): ``type``, ``name``, ``label::Tiếng Việt (vi)``,
  ``label::English (en)``, ``hint::…``, ``required``, ``relevant``,
  ``constraint``, ``constraint_message::…``, ``calculation``, plus the extra
  columns ``reviewer_only`` and ``role``. Household questions sit outside the
  one ``begin repeat members`` … ``end repeat`` block, member questions inside
  it. The repeat starts with the member profile rows (``role`` = ``profile``:
  full_name, sex, birth_year, target_group, age), which are not criteria
  questions and are regenerated on export.
* ``choices`` (XLSForm): ``list_name``, ``name``, ``label::…``, ``role``
  (``profile`` for the generated sex and target-group lists).
* ``settings`` (XLSForm, one row): ``form_title`` (title in Vietnamese),
  ``form_id`` (set code), ``version``, ``default_language``, then the set's own
  ``title_en``, ``subject``, ``status``, ``total_points``, ``legal_basis``,
  ``valid_from``, ``valid_to``, ``description_vi``, ``description_en`` and
  ``local_choices`` (one per line), ``digital_indicator`` and
  ``digital_min_points``.
* ``target_groups``: ``code``, ``label::…``, ``min_age``, ``max_age``,
  ``cadre`` (yes/no), ``same_as`` (codes of groups in other sets, by spaces).
* ``criteria``: ``code``, ``label::…``, ``max_points``.
* ``indicators``: ``code``, ``criterion``, ``label::…``, ``max_points``,
  ``target_groups`` (codes separated by spaces; empty = every group),
  ``when_not_applicable`` (``rescale`` or ``full``).
* ``scoring``: one row per rule, in order: ``indicator``, ``rule_type``,
  ``question``, then one column per rule parameter: ``points`` (a number, or
  ``never=0; sometimes=5; often=10``), ``bands`` (``0-0:0; 1-2:5; 3-5:8; 6-:10``),
  ``cap``, ``per_item``, ``yes``, ``no_points``, ``max``, ``condition``,
  ``test``. Any other column named like a parameter (``a_name``) is passed to
  the rule type as it is; ``note`` is a free comment and is not kept.
* ``recognition``: ``code``, ``label::…``, ``min_total``, ``min_indicator``,
  ``min_criterion_share``, ``local``. The first row is the recognition itself;
  every further row is a higher named level (a local choice unless ``local`` is
  ``no``).

Reading is done with openpyxl in read-only mode, formulas are read as their text
and never evaluated. Before openpyxl sees the file, it is checked: at most
10 MB, a real xlsx (not a renamed text file, not another zip), no part that
unpacks too far (decompression bombs) and no XML DOCTYPE/ENTITY declaration
(entity expansion); openpyxl itself parses through defusedxml.
"""

from __future__ import annotations

from criteria.workbook.cells import cell_text, parse_number, split_codes
from criteria.workbook.layout import COLUMNS, SHEETS, canonical_header, column_key
from criteria.workbook.read import read_workbook
from criteria.workbook.write import format_param, write_workbook

__all__ = [
    "COLUMNS",
    "SHEETS",
    "canonical_header",
    "cell_text",
    "column_key",
    "format_param",
    "parse_number",
    "read_workbook",
    "split_codes",
    "write_workbook",
]
