"""Report pages: overview, unit drill-down, indicators, what would change, comparison.

Every page needs ``accounts.view_reports`` and shows only the units of
``accounts.selectors.visible_units``: a unit, household or member outside the
user's scope answers 404, whether it comes from the path or a GET parameter.
Names, birth years and ethnicity of individuals appear only for users with
``accounts.view_personal_data`` (the committee never sees them). Every figure
comes from ``scoring.aggregation.summarise_round``, the code path of the
``round_summary`` command and of the exports. Pages are read-only.

One module per page; ``common`` holds what they share and ``charts`` the charts.
"""
