"""What the report pages share: the permission, the user's scope, the GET parameters,
the choice of included responses and the audit entry of a page with personal data."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.selectors import sees_everything, visible_units
from audit.models import Action
from audit.services import record_event
from scoring.definitions import COUNTED_STATUSES
from scoring.models import ScoringRun
from scoring.selectors import run_of_round
from survey.models import HouseholdResponse, ResponseStatus, Round, RoundUnit

security_log = logging.getLogger("security.scope")

REPORTS = "accounts.view_reports"
PERSONAL = "accounts.view_personal_data"

LEVEL_CHOICES = (("commune", "Xã/phường"), ("district", "Huyện/thành phố"), ("province", "Tỉnh"))
HIERARCHY_CHOICES = (
    ("round", "Đơn vị hành chính lúc khảo sát"),
    ("2025", "Đơn vị hành chính từ 01/07/2025"),
)
BREAKDOWN_CHOICES = (
    ("none", "Không chia nhóm"),
    ("target_group", "Nhóm đối tượng"),
    ("sex", "Giới tính"),
    ("age_band", "Nhóm tuổi"),
    ("ethnicity", "Dân tộc"),
)
BREAKDOWN_LABELS = dict(BREAKDOWN_CHOICES)


def reports_view(view: Callable) -> Callable:
    """Login and the report permission (403 without it), then the view."""

    @wraps(view)
    @login_required
    @permission_required(REPORTS, raise_exception=True)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapped


# Scope and parameters ----------------------------------------------------------------------


def report_scope(request: HttpRequest) -> set[str] | None:
    """The unit keys the user may see (None: everything)."""
    if sees_everything(user=request.user):
        return None
    cached = getattr(request, "_report_scope", None)
    if cached is None:
        cached = set(visible_units(user=request.user).values_list("key", flat=True))
        request._report_scope = cached
    return cached


def list_visible_rounds(request: HttpRequest) -> list[Round]:
    """The rounds with a commune in the user's scope, newest first."""
    rounds = Round.objects.select_related("citizen_set", "household_set").order_by(
        "-starts_on", "code"
    )
    scope = report_scope(request)
    if scope is not None:
        ids = RoundUnit.objects.filter(unit_id__in=scope).values_list("round_id", flat=True)
        rounds = rounds.filter(pk__in=ids)
    return list(rounds)


def get_round_or_404(request: HttpRequest, *, code: str) -> Round:
    """The round of that code, if it has a commune in the user's scope (404 otherwise)."""
    round_ = Round.objects.select_related("citizen_set", "household_set").filter(code=code).first()
    if round_ is None:
        raise Http404
    scope = report_scope(request)
    if scope is not None and not RoundUnit.objects.filter(round=round_, unit_id__in=scope).exists():
        security_log.warning(
            "scope refusal: user=%s round=%r", getattr(request.user, "pk", None), code[:40]
        )
        raise Http404
    return round_


def read_choice(request: HttpRequest, *, name: str, allowed: tuple[str, ...], default: str) -> str:
    """The GET parameter if it is one of ``allowed``, else the default."""
    value = request.GET.get(name, default)
    return value if value in allowed else default


def read_run(request: HttpRequest, *, round_: Round, name: str = "run") -> ScoringRun | None:
    """The citizen run named by a GET parameter (404 if it is not the round's), else primary."""
    raw = request.GET.get(name, "")
    if not raw:
        return run_of_round(round_=round_, run_id=None)
    try:
        run_id = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    run = run_of_round(round_=round_, run_id=run_id)
    if run is None:
        raise Http404
    return run


def sees_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(PERSONAL)


def query_with(request: HttpRequest, **changes) -> str:
    """The current GET parameters with some changed (for links that keep the view)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


# Included responses ------------------------------------------------------------------------

# Which responses the figures include: a choice on every page, stated on every page.
# The texts are translated when shown; gettext_noop marks them for makemessages.
INCLUDED = {
    "approved": ((ResponseStatus.APPROVED.value,), gettext_noop("chỉ các hộ đã được phê duyệt")),
    "all": (COUNTED_STATUSES, gettext_noop("các hộ đã gửi, đã kiểm tra và đã phê duyệt")),
}
INCLUDED_CHOICES = (
    ("approved", gettext_noop("Chỉ số liệu đã phê duyệt")),
    ("all", gettext_noop("Đã gửi, đã kiểm tra và đã phê duyệt")),
)
STAFF_PERMISSIONS = ("accounts.review_survey_data", "accounts.approve_survey_data")


@dataclass(frozen=True)
class Included:
    choice: str
    statuses: tuple[str, ...]
    label: str
    pending: int  # households in scope the choice leaves out that "all" would count
    options: tuple[tuple[str, str], ...]
    keep: tuple[tuple[str, str], ...]  # the page's other GET parameters, for the form


def _included_choice(request: HttpRequest) -> str:
    """Approved-only by default for the committee; everything counted for staff."""
    staff = any(request.user.has_perm(p) for p in STAFF_PERMISSIONS)
    return read_choice(
        request, name="include", allowed=tuple(INCLUDED), default="all" if staff else "approved"
    )


def included_statuses(request: HttpRequest) -> tuple[str, ...]:
    """The response statuses the page's choice includes."""
    return INCLUDED[_included_choice(request)][0]


def describe_included(
    request: HttpRequest, *, rounds: list[Round], unit_keys: Collection[str] | None = None
) -> Included:
    """The page's choice, its statuses and how many households it leaves out.

    ``unit_keys``: the communes the page covers (None: every commune the user may see).
    """
    choice = _included_choice(request)
    statuses, label = INCLUDED[choice]
    hidden = set(COUNTED_STATUSES) - set(statuses)
    pending = 0
    if hidden and rounds:
        responses = HouseholdResponse.objects.filter(round__in=rounds, status__in=hidden)
        keys = unit_keys if unit_keys is not None else report_scope(request)
        if keys is not None:
            responses = responses.filter(unit_id__in=list(keys))
        pending = responses.count()
    keep = tuple(
        (key, value)
        for key, values in request.GET.lists()
        if key not in ("include", "page")
        for value in values
    )
    return Included(
        choice=choice,
        statuses=tuple(statuses),
        label=_(label),
        pending=pending,
        options=tuple((value, _(text)) for value, text in INCLUDED_CHOICES),
        keep=keep,
    )


# Personal data -----------------------------------------------------------------------------


def record_personal_view(
    request: HttpRequest,
    *,
    round_: Round,
    unit_key: str | None,
    object_type: str,
    object_id: str | int,
    details: dict,
) -> None:
    """Write the audit entry of a page that shows names, birth years or ethnicity."""
    record_event(
        action=Action.VIEW_PERSONAL,
        user=request.user,
        summary=f"{round_.code}: {details.get('page', '')}",
        unit_id=unit_key,
        round_code=round_.code,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
