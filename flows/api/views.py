"""The sync API (``/api/v1/``): the offline app's way to the one "record a response" use case.

Session (with CSRF) or token authentication; only roles that enter survey data may use
it, and within their communes and round assignments, exactly as the wizard. Refusals
come back as ``{"kind", "problems": [{"field", "message"}]}`` in Vietnamese.
"""

from __future__ import annotations

import logging
import uuid

from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from criteria.selectors import spec_of
from flows.api.serializers import (
    HouseholdInSerializer,
    HouseholdResultSerializer,
    RefusalSerializer,
    RevisitSerializer,
    RoundSerializer,
)
from flows.sync import (
    CLOSED,
    CONFLICT,
    INVALID,
    LOCKED,
    NOT_YOURS,
    SyncRefused,
    find_synced,
    sync_household,
)
from scoring.response_scores import response_scores
from survey.models import Draft, HouseholdResponse, Round
from survey.plan_document import plan_document
from survey.revisit_offline import revisit_documents
from survey.selectors import entry_units, may_enter, round_is_visible, rounds_for_entry

security_log = logging.getLogger("security.scope")
REFUSAL_STATUS = {
    INVALID: status.HTTP_400_BAD_REQUEST,
    LOCKED: status.HTTP_409_CONFLICT,
    CLOSED: status.HTTP_409_CONFLICT,
    CONFLICT: status.HTTP_409_CONFLICT,
    NOT_YOURS: status.HTTP_403_FORBIDDEN,
}


class EntersData(permissions.BasePermission):
    """Surveyors and commune staff: the roles that enter survey data."""

    message = "Tài khoản này không nhập phiếu khảo sát."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and may_enter(user=request.user)


def household_result(response: HouseholdResponse, *, client_id: uuid.UUID, created: bool) -> dict:
    scores = response_scores(response=response)
    members = []
    for member in response.members.order_by("position"):
        score = scores.members.get(member.pk)
        members.append(
            {
                "full_name": member.full_name,
                "total": None if score is None else score.total,
                "recognised": None if score is None else score.recognised,
            }
        )
    household = scores.household
    return {
        "id": client_id,
        "response": response.pk,
        "household_code": response.household.code,
        "status": response.status,
        "created": created,
        "members": members,
        "household": None
        if household is None
        else {"total": household.total, "recognised": household.recognised},
    }


class RoundList(APIView):
    permission_classes = [EntersData]

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The open rounds the user enters data in, with their communes."""
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "starts_on": r.starts_on,
                "ends_on": r.ends_on,
                "communes": [
                    {"key": u.key, "name": u.name} for u in entry_units(user=request.user, round_=r)
                ],
            }
            for r in rounds_for_entry(user=request.user)
        ]
        return Response(RoundSerializer(rows, many=True).data)


class RoundPlan(APIView):
    permission_classes = [EntersData]

    @extend_schema(responses={200: dict, 404: None})
    def get(self, request: Request, code: str) -> Response:
        """The round's form for offline entry: the wizard's own steps, from the same plan."""
        round_ = Round.objects.filter(code=code).first()
        communes = entry_units(user=request.user, round_=round_) if round_ else []
        if not communes:
            security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
            raise Http404
        citizen = spec_of(criteria_set=round_.citizen_set)
        household = spec_of(criteria_set=round_.household_set) if round_.household_set else None
        document = plan_document(citizen=citizen, household=household)
        document["round"] = {
            "code": round_.code,
            "name": round_.name,
            "starts_on": round_.starts_on.isoformat(),
            "ends_on": round_.ends_on.isoformat(),
        }
        document["communes"] = [{"key": u.key, "name": u.name} for u in communes]
        return Response(document)


class RoundRevisits(APIView):
    permission_classes = [EntersData]

    @extend_schema(responses={200: RevisitSerializer(many=True), 404: None})
    def get(self, request: Request, code: str) -> Response:
        """The earlier households of the user's communes, to survey again offline."""
        round_ = Round.objects.filter(code=code).first()
        if round_ is None or not entry_units(user=request.user, round_=round_):
            security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
            raise Http404
        return Response(revisit_documents(user=request.user, round_=round_))


class HouseholdCreate(APIView):
    permission_classes = [EntersData]

    @extend_schema(
        request=HouseholdInSerializer,
        responses={
            201: HouseholdResultSerializer,
            200: OpenApiResponse(HouseholdResultSerializer, "already arrived: nothing written"),
            400: RefusalSerializer,
            403: RefusalSerializer,
            409: OpenApiResponse(RefusalSerializer, "locked commune or closed round"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        """Record a queued household once; sending it again returns what was recorded."""
        round_ = Round.objects.filter(code=code).first()
        if round_ is None or not round_is_visible(user=request.user, round_=round_):
            security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
            raise Http404
        envelope = HouseholdInSerializer(data=request.data)
        if not envelope.is_valid():
            problems = [
                {"field": name, "message": " ".join(map(str, errors))}
                for name, errors in _flat(envelope.errors)
            ]
            return Response({"kind": INVALID, "problems": problems}, status=400)
        client_id = envelope.validated_data["id"]
        try:
            synced = sync_household(
                user=request.user,
                round_=round_,
                client_id=client_id,
                payload=request.data,
                replace_online=envelope.validated_data["replace_online"],
            )
        except SyncRefused as refused:
            language = get_language() or "vi"
            problems = [
                {"field": p.field, "message": p.message(language)} for p in refused.problems
            ]
            body = {"kind": refused.kind, "problems": problems}
            online = _online_copy(refused, user=request.user)
            if online is not None:
                body["online"] = online
            return Response(body, status=REFUSAL_STATUS[refused.kind])
        body = household_result(synced.response, client_id=client_id, created=synced.created)
        return Response(body, status=201 if synced.created else 200)


class HouseholdStatus(APIView):
    permission_classes = [EntersData]

    @extend_schema(responses={200: HouseholdResultSerializer, 404: None})
    def get(self, request: Request, client_id: uuid.UUID) -> Response:
        """Whether a household of this device arrived (after a lost answer), and its state."""
        response = find_synced(user=request.user, client_id=client_id)
        if response is None:
            raise Http404
        return Response(household_result(response, client_id=client_id, created=False))


def _online_copy(refused: SyncRefused, *, user) -> dict | None:
    """The server's copy a refusal points to: a draft to correct, or a recorded response."""
    if refused.draft_id is not None:
        draft = Draft.objects.filter(pk=refused.draft_id, owner=user).first()
        if draft is not None:
            step = ((draft.data or {}).get("step_data") or {}).get("members") or {}
            return {
                "kind": "draft",
                "url": reverse("survey:resume", args=[draft.pk]),
                "head_name": draft.label,
                "members": int((step.get("members-TOTAL_FORMS") or ["0"])[0] or 0),
                "updated_at": draft.updated_at,
            }
    if refused.response_id is not None:
        response = HouseholdResponse.objects.filter(pk=refused.response_id).first()
        if response is not None:
            return {
                "kind": "response",
                "url": reverse("survey:response", args=[response.pk]),
                "head_name": response.head_name,
                "members": response.members.count(),
                "updated_at": response.updated_at,
            }
    return None


def _flat(errors, prefix: str = ""):
    """Yield (field path, messages) from DRF's nested errors: ``members[1].sex``."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int) or str(key).isdigit():  # an item of a list
                yield from _flat(value, f"{prefix}[{key}]")
            else:
                yield from _flat(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(errors, list) and errors and isinstance(errors[0], (dict, list)):
        for index, value in enumerate(errors):
            if value:
                yield from _flat(value, f"{prefix}[{index}]")
    else:
        yield prefix, errors
