"""Every URL of the project, for every role, inside and outside the user's scope.

The URL patterns come from the resolver (``django.urls.get_resolver()``, walked
recursively), so a new view is found without anyone listing it. Each URL name needs a
row in ``EXPECTED``; a name without one fails ``test_every_url_name_has_a_row``.

How to read and extend the table
--------------------------------
``EXPECTED["namespace:name"]`` maps each role to a cell of four statuses::

    "GET-in GET-out | POST-in POST-out"

``in``: the URL's parameters name objects inside the user's scope (round ``r-in``, unit
Xã Nga Quán, a household of it, the user's own draft, a published criteria set);
``out``: objects outside it (round ``r-out`` and a household of a province nobody but
the administrator is assigned, another surveyor's draft, a draft criteria set). The
world is built in tests/security/conftest.py. POSTs carry no data (CSRF checks are off
in the test client): they show who reaches the view, not what a valid form does. Every
request runs in a savepoint rolled back afterwards, so POSTs change nothing for the next.

To add a view: add its row (``row(...)`` names all six roles). If its URL has a new
parameter, map the parameter to a kind in ``PARAMETER_KINDS`` (or, for ``pk``, in
``PK_KINDS``). To see what the views answer now, run
``PRINT_PERMISSION_MATRIX=1 python3 dev.py test tests/security/test_permission_matrix.py -s
-k print`` and review the printed rows before pasting them: out of scope must be 404
(never 403: that confirms the object exists), anonymous users go to the login page (302).

Django admin URLs are covered by a rule (``admin_expected``) rather than rows.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from survey.models import HouseholdResponse
from tests.security.conftest import ANONYMOUS, ROLES, World

# URL parameter name -> kind of value in World.values().
PARAMETER_KINDS = {
    "code": "round",
    "round_code": "round",
    "key": "unit",
    "draft_id": "draft",
    "step": "step",
    "file_format": "file_format",
    "other": "other_criteria",
    "household_id": "household",
    "action": "bulk_action",
    "client_id": "synced",
}
# ``pk`` means different things: the longest matching URL-name prefix decides.
PK_KINDS = {
    "criteria:": "criteria",
    "survey:": "response",
    "scoring:household": "response",
    "scoring:member": "member",
    "exports:": "export_job",
    "people:": "account",
}


def row(
    *,
    anonymous: str,
    surveyor: str,
    commune_staff: str,
    province_staff: str,
    committee: str,
    administrator: str,
) -> dict[str, str]:
    return {
        ANONYMOUS: anonymous,
        SURVEYOR: surveyor,
        COMMUNE_STAFF: commune_staff,
        PROVINCE_STAFF: province_staff,
        COMMITTEE: committee,
        ADMINISTRATOR: administrator,
    }


# Cells: "GET-in GET-out | POST-in POST-out" (see the top of the file).
EXPECTED: dict[str, dict[str, str]] = {
    "health": row(
        anonymous="200 200 | 200 200",
        surveyor="200 200 | 200 200",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="200 200 | 200 200",
        administrator="200 200 | 200 200",
    ),
    "home": row(
        anonymous="302 302 | 302 302",
        surveyor="200 200 | 200 200",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="200 200 | 200 200",
        administrator="200 200 | 200 200",
    ),
    "login": row(
        anonymous="200 200 | 400 400",
        surveyor="302 302 | 302 302",
        commune_staff="302 302 | 302 302",
        province_staff="302 302 | 302 302",
        committee="302 302 | 302 302",
        administrator="302 302 | 302 302",
    ),
    "logout": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 302 302",
        commune_staff="405 405 | 302 302",
        province_staff="405 405 | 302 302",
        committee="405 405 | 302 302",
        administrator="405 405 | 302 302",
    ),
    "password_change": row(
        anonymous="302 302 | 302 302",
        surveyor="200 200 | 400 400",
        commune_staff="200 200 | 400 400",
        province_staff="200 200 | 400 400",
        committee="200 200 | 400 400",
        administrator="200 200 | 400 400",
    ),
    "password_change_done": row(
        anonymous="302 302 | 302 302",
        surveyor="200 200 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="200 200 | 405 405",
        committee="200 200 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "set_language": row(
        anonymous="302 302 | 302 302",
        surveyor="302 302 | 302 302",
        commune_staff="302 302 | 302 302",
        province_staff="302 302 | 302 302",
        committee="302 302 | 302 302",
        administrator="302 302 | 302 302",
    ),
    "units:tree": row(
        anonymous="302 302 | 302 302",
        surveyor="200 200 | 200 200",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="200 200 | 200 200",
        administrator="200 200 | 200 200",
    ),
    "units:detail": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "criteria:list": row(
        anonymous="302 302 | 302 302",
        surveyor="200 200 | 200 200",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="200 200 | 200 200",
        administrator="200 200 | 200 200",
    ),
    "criteria:upload": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="403 403 | 403 403",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="200 200 | 400 400",
    ),
    "criteria:detail": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "criteria:preview": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "criteria:paper": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "criteria:export": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "criteria:diff": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "criteria:publish": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 403 403",
        province_staff="405 405 | 403 403",
        committee="405 405 | 403 403",
        administrator="405 405 | 302 302",
    ),
    "criteria:retire": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 403 403",
        province_staff="405 405 | 403 403",
        committee="405 405 | 403 403",
        administrator="405 405 | 302 302",
    ),
    "criteria:new_version": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 403 403",
        province_staff="405 405 | 403 403",
        committee="405 405 | 403 403",
        administrator="405 405 | 302 302",
    ),
    "survey:home": row(
        anonymous="302 302 | 302 302",
        surveyor="200 200 | 200 200",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
    "survey:new": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 302 404",
        commune_staff="405 405 | 302 404",
        province_staff="405 405 | 404 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 404 404",
    ),
    "survey:households": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
    "survey:resume": row(
        anonymous="302 302 | 302 302",
        surveyor="302 404 | 302 404",
        commune_staff="302 404 | 302 404",
        province_staff="404 404 | 404 404",
        committee="404 404 | 404 404",
        administrator="404 404 | 404 404",
    ),
    "survey:discard": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 302 404",
        commune_staff="405 405 | 302 404",
        province_staff="405 405 | 404 404",
        committee="405 405 | 404 404",
        administrator="405 405 | 404 404",
    ),
    "survey:wizard": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 400 404",
        commune_staff="200 404 | 400 404",
        province_staff="404 404 | 404 404",
        committee="404 404 | 404 404",
        administrator="404 404 | 404 404",
    ),
    "survey:response": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
    "survey:edit": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 302 404",
        commune_staff="405 405 | 302 404",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 302 302",
    ),
    "survey:import": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 400 404",
        commune_staff="200 404 | 400 404",
        province_staff="404 404 | 404 404",
        committee="404 404 | 404 404",
        administrator="404 404 | 404 404",
    ),
    "survey:entry_template": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="404 404 | 404 404",
        committee="404 404 | 404 404",
        administrator="404 404 | 404 404",
    ),
    "scoring:index": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="200 200 | 200 200",
        administrator="200 200 | 200 200",
    ),
    "scoring:compare": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="200 200 | 200 200",
        administrator="200 200 | 200 200",
    ),
    "scoring:overview": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "scoring:indicators": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "scoring:changes": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "scoring:unit": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "scoring:household": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "scoring:member": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="200 404 | 200 404",
        administrator="200 200 | 200 200",
    ),
    "survey:revisit": row(
        anonymous="302 302 | 302 302",
        surveyor="200 404 | 200 404",
        commune_staff="200 404 | 200 404",
        province_staff="404 404 | 404 404",
        committee="403 403 | 403 403",
        administrator="404 404 | 404 404",
    ),
    "survey:revisit_start": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 404 404",
        commune_staff="405 405 | 404 404",
        province_staff="405 405 | 404 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 404 404",
    ),
    "survey:reviewer_scores": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 302 404",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 403 403",
    ),
    "survey:transition": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 302 404",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 403 403",
    ),
    "survey:round_list": row(
        anonymous="302 302 | 405 405",
        surveyor="403 403 | 405 405",
        commune_staff="403 403 | 405 405",
        province_staff="200 200 | 405 405",
        committee="403 403 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "survey:round_new": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="403 403 | 403 403",
        province_staff="200 200 | 400 400",
        committee="403 403 | 403 403",
        administrator="200 200 | 400 400",
    ),
    "survey:round_detail": row(
        anonymous="302 302 | 405 405",
        surveyor="403 403 | 405 405",
        commune_staff="403 403 | 405 405",
        province_staff="200 404 | 405 405",
        committee="403 403 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "survey:round_edit": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="403 403 | 403 403",
        province_staff="302 404 | 302 404",
        committee="403 403 | 403 403",
        administrator="302 302 | 302 302",
    ),
    "survey:round_move": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 403 403",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 302 302",
    ),
    "people:list": row(
        anonymous="302 302 | 405 405",
        surveyor="403 403 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="200 200 | 405 405",
        committee="403 403 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "people:new": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 200 | 400 400",
        province_staff="200 200 | 400 400",
        committee="403 403 | 403 403",
        administrator="200 200 | 400 400",
    ),
    "people:import": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 200 | 400 400",
        province_staff="200 200 | 400 400",
        committee="403 403 | 403 403",
        administrator="200 200 | 400 400",
    ),
    "people:detail": row(
        anonymous="302 302 | 405 405",
        surveyor="403 403 | 405 405",
        commune_staff="200 404 | 405 405",
        province_staff="200 404 | 405 405",
        committee="403 403 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "api:schema": row(
        anonymous="403 403 | 403 403",
        surveyor="200 200 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="200 200 | 405 405",
        committee="200 200 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "api:token": row(
        anonymous="405 405 | 400 400",
        surveyor="405 405 | 400 400",
        commune_staff="405 405 | 400 400",
        province_staff="405 405 | 400 400",
        committee="405 405 | 400 400",
        administrator="405 405 | 400 400",
    ),
    "api:rounds": row(
        anonymous="403 403 | 403 403",
        surveyor="200 200 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    "api:plan": row(
        anonymous="403 403 | 403 403",
        surveyor="200 404 | 405 405",
        commune_staff="200 404 | 405 405",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    "api:revisits": row(
        anonymous="403 403 | 403 403",
        surveyor="200 404 | 405 405",
        commune_staff="200 404 | 405 405",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    # POST-in is 415: the test client's empty POST is no JSON, but it reached the view.
    "api:households": row(
        anonymous="403 403 | 403 403",
        surveyor="405 405 | 415 404",
        commune_staff="405 405 | 415 404",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    "api:household": row(
        anonymous="403 403 | 403 403",
        surveyor="404 404 | 405 405",
        commune_staff="404 404 | 405 405",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    "survey:offline": row(
        anonymous="302 302 | 405 405",
        surveyor="200 200 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="403 403 | 405 405",
        committee="403 403 | 405 405",
        administrator="403 403 | 405 405",
    ),
    # The service worker and the manifest hold no data; the worker must be fetched to
    # check for a new version even after the session expired.
    "survey:offline_worker": row(
        anonymous="200 200 | 405 405",
        surveyor="200 200 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="200 200 | 405 405",
        committee="200 200 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "survey:offline_manifest": row(
        anonymous="200 200 | 405 405",
        surveyor="200 200 | 405 405",
        commune_staff="200 200 | 405 405",
        province_staff="200 200 | 405 405",
        committee="200 200 | 405 405",
        administrator="200 200 | 405 405",
    ),
    "people:round_surveyors": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 302 404",
        province_staff="200 404 | 302 404",
        committee="403 403 | 403 403",
        administrator="200 200 | 302 302",
    ),
    "people:change": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 302 404",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 302 302",
    ),
    "survey:review": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 200 404",
        province_staff="200 404 | 200 404",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    "survey:bulk": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 302 404",
        province_staff="200 404 | 302 404",
        committee="403 403 | 403 403",
        administrator="403 403 | 403 403",
    ),
    "survey:lock": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 403 404",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 403 403",
    ),
    "survey:unlock": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 403 404",
        province_staff="405 405 | 302 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 403 403",
    ),
    "exports:list": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
    "exports:status": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 200 | 200 200",
        province_staff="200 200 | 200 200",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
    "exports:request": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="200 404 | 400 404",
        province_staff="200 404 | 400 404",
        committee="403 403 | 403 403",
        administrator="200 200 | 400 400",
    ),
    "exports:download": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="404 404 | 404 404",
        province_staff="404 404 | 404 404",
        committee="403 403 | 403 403",
        administrator="404 404 | 404 404",
    ),
    "exports:retry": row(
        anonymous="405 405 | 302 302",
        surveyor="405 405 | 403 403",
        commune_staff="405 405 | 404 404",
        province_staff="405 405 | 404 404",
        committee="405 405 | 403 403",
        administrator="405 405 | 404 404",
    ),
    "audit:list": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="403 403 | 403 403",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
    "audit:export": row(
        anonymous="302 302 | 302 302",
        surveyor="403 403 | 403 403",
        commune_staff="403 403 | 403 403",
        province_staff="403 403 | 403 403",
        committee="403 403 | 403 403",
        administrator="200 200 | 200 200",
    ),
}

IGNORED_NAMESPACES = ("admin",)  # covered by admin_expected()


# Discovery -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    parameters: tuple[str, ...]


def _parameters(pattern) -> list[str]:
    # path() routes name their parameters in converters, re_path() ones in the regex.
    return list(getattr(pattern, "converters", None) or pattern.regex.groupindex)


def walk(patterns=None, namespace: str = "", inherited: tuple[str, ...] = ()) -> list[Route]:
    """Return every named route of the URLconf, with its full name and parameter names."""
    routes: list[Route] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        parameters = inherited + tuple(_parameters(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += walk(entry.url_patterns, inner, parameters)
        elif isinstance(entry, URLPattern) and entry.name:
            routes.append(Route(f"{namespace}{entry.name}", parameters))
    return routes


def project_routes() -> list[Route]:
    return [r for r in walk() if r.name.split(":")[0] not in IGNORED_NAMESPACES]


def admin_routes() -> list[Route]:
    return [r for r in walk() if r.name.startswith("admin:")]


def kind_of(route: Route, parameter: str) -> str:
    if parameter == "pk":
        prefixes = [p for p in PK_KINDS if route.name.startswith(p)]
        assert prefixes, f"{route.name}: add what its 'pk' names to PK_KINDS"
        return PK_KINDS[max(prefixes, key=len)]
    assert parameter in PARAMETER_KINDS, (
        f"{route.name}: add its parameter {parameter!r} to PARAMETER_KINDS"
    )
    return PARAMETER_KINDS[parameter]


def url_for(route: Route, values: dict[str, object]) -> str:
    kwargs = {p: values[kind_of(route, p)] for p in route.parameters}
    return reverse(route.name, kwargs=kwargs)


# Requests ------------------------------------------------------------------------------


def _status(client: Client, method: str, url: str) -> int:
    """Answer the request inside a savepoint that is rolled back: the world stays as built."""
    cookies = client.cookies
    client.cookies = cookies.__class__(cookies)  # a logout must not end the next request's session
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


def client_for(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def observe(world: World, client: Client, role: str, route: Route) -> str:
    """Return the cell the route answers for ``role`` now."""
    inside = url_for(route, world.values(role, in_scope=True))
    outside = url_for(route, world.values(role, in_scope=False))
    get = [_status(client, "GET", u) for u in (inside, outside)]
    post = [_status(client, "POST", u) for u in (inside, outside)]
    return f"{get[0]} {get[1]} | {post[0]} {post[1]}"


# Tests ---------------------------------------------------------------------------------


def test_the_walk_finds_the_project_views():
    names = {r.name for r in walk()}
    assert {"home", "login", "survey:wizard", "scoring:member", "criteria:diff"} <= names
    assert {"admin:index", "admin:login"} <= names


def test_every_url_name_has_a_row():
    missing = sorted({r.name for r in project_routes()} - set(EXPECTED))
    assert not missing, (
        "URL names without a row in EXPECTED of tests/security/test_permission_matrix.py "
        f"(add one per role; see the top of the file): {', '.join(missing)}"
    )
    stale = sorted(set(EXPECTED) - {r.name for r in project_routes()})
    assert not stale, f"rows for URL names that no longer exist: {', '.join(stale)}"


@pytest.mark.parametrize("role", ROLES)
def test_each_view_answers_each_role_as_the_table_says(world, role):
    client = client_for(world, role)
    wrong = []
    for route in project_routes():
        if route.name not in EXPECTED:
            continue  # reported by test_every_url_name_has_a_row
        expected = EXPECTED[route.name][role]
        actual = observe(world, client, role, route)
        if actual != expected:
            wrong.append(f"{route.name}: expected {expected!r}, got {actual!r}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def admin_expected(role: str, route: Route, method: str) -> set[int]:
    """The admin answers its login page to everyone, and nothing else but to staff."""
    if route.name == "admin:login":
        # The form (re-shown on an empty POST); staff already logged in go to the index.
        return {302} if role == ADMINISTRATOR and method == "GET" else {200}
    if role != ADMINISTRATOR:
        return {302}  # to the admin's login page, whatever the object
    # The administrator (staff) reaches the pages; the fake ids give 302 (the admin's
    # "does not exist" redirect) or 404, read-only models 403 on add/delete.
    return {200, 302, 403, 404, 405}


ADMIN_VALUES = {
    "app_label": "survey",
    "object_id": "999999",
    "content_type_id": 999999,
    "id": "999999",
    "url": "x",
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_only_staff(world, role):
    client = client_for(world, role)
    wrong = []
    for route in admin_routes():
        if route.name == "admin:logout":
            continue  # would end the session the next requests need
        url = reverse(route.name, kwargs={p: ADMIN_VALUES[p] for p in route.parameters})
        for method in ("GET", "POST"):
            status = _status(client, method, url)
            if status not in admin_expected(role, route, method):
                wrong.append(f"{method} {route.name} {url}: {status}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.skipif(not os.environ.get("PRINT_PERMISSION_MATRIX"), reason="a tool, not a test")
def test_print_the_observed_table(world):
    clients = {role: client_for(world, role) for role in ROLES}
    for route in project_routes():
        print(f'    "{route.name}": row(')
        for role in ROLES:
            print(f'        {role}="{observe(world, clients[role], role, route)}",')
        print("    ),")


def test_a_submitted_draft_outside_the_scope_leads_nowhere(world):
    """The wizard sends the submitter of a draft to its response, and nobody else anywhere."""
    draft_id = uuid.uuid4()
    outside = HouseholdResponse.objects.get(pk=world.outside["response"])
    outside.source_draft = draft_id
    outside.save(update_fields=["source_draft"])
    client = client_for(world, SURVEYOR)
    response = client.get(
        reverse("survey:wizard", kwargs={"draft_id": draft_id, "step": "household"})
    )
    assert response.status_code == 404
    assert str(outside.pk) not in response.get("Location", "")
    inside = HouseholdResponse.objects.get(pk=world.inside["response"])
    inside.source_draft = draft_id = uuid.uuid4()
    inside.save(update_fields=["source_draft"])
    response = client.get(
        reverse("survey:wizard", kwargs={"draft_id": draft_id, "step": "household"})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("survey:response", kwargs={"pk": inside.pk})
