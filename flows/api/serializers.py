"""The shapes of the sync API: what a device sends and what it gets back.

The household's fields are checked by the web form's rules in ``flows.sync``; these
serializers check the envelope and describe it in the OpenAPI document.
"""

from __future__ import annotations

from rest_framework import serializers

from survey.shape import MAX_MEMBERS


class HouseholdDetailsSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="Commune key or code, e.g. 04528@2020-02-01")
    village = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True, required=False)
    head_name = serializers.CharField(allow_blank=True)
    survey_date = serializers.CharField(help_text="2021-07-15 or 15/07/2021")


class MemberSerializer(serializers.Serializer):
    full_name = serializers.CharField(allow_blank=True)
    sex = serializers.CharField(allow_blank=True)
    birth_year = serializers.JSONField()
    ethnicity = serializers.CharField(allow_blank=True, required=False)
    education = serializers.CharField(allow_blank=True, required=False)
    target_group = serializers.CharField(allow_blank=True, required=False)
    relationship = serializers.CharField(allow_blank=True, required=False)
    answers = serializers.DictField(required=False, help_text="question code -> answer")
    person_id = serializers.CharField(
        required=False, allow_blank=True, help_text="a revisited member's id (from revisits/)"
    )


class HouseholdInSerializer(serializers.Serializer):
    """A household as a device queued it; ``id`` is the UUID the device gave it."""

    id = serializers.UUIDField()
    household = HouseholdDetailsSerializer()
    answers = serializers.DictField(required=False)
    members = MemberSerializer(many=True, max_length=MAX_MEMBERS)
    revisit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="the code of the earlier round's household this one surveys again",
    )
    replace_online = serializers.BooleanField(
        required=False,
        default=False,
        help_text="the surveyor chose this copy over an online draft of it (after a conflict)",
    )


class ScoreSerializer(serializers.Serializer):
    total = serializers.FloatField(allow_null=True)
    recognised = serializers.BooleanField(allow_null=True)


class MemberResultSerializer(ScoreSerializer):
    full_name = serializers.CharField()


class HouseholdResultSerializer(serializers.Serializer):
    """Where the household is now: recorded once, its status and its scores."""

    id = serializers.UUIDField()
    response = serializers.IntegerField()
    household_code = serializers.CharField()
    status = serializers.CharField()
    created = serializers.BooleanField(help_text="False: it had already arrived")
    members = MemberResultSerializer(many=True)
    household = ScoreSerializer(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="e.g. members[1].birth_year")
    message = serializers.CharField()


class OnlineCopySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["draft", "response"])
    url = serializers.CharField(help_text="the page where the surveyor corrects or compares it")
    head_name = serializers.CharField()
    members = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class RefusalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["invalid", "locked", "closed", "not_yours", "conflict"])
    problems = ProblemSerializer(many=True)
    online = OnlineCopySerializer(
        required=False,
        help_text="invalid: the server draft to correct online; conflict: the online copy",
    )


class RevisitMemberSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    sex = serializers.CharField()
    birth_year = serializers.IntegerField()
    ethnicity = serializers.CharField()
    education = serializers.CharField()
    target_group = serializers.CharField(help_text="under the new round's set; empty if none")
    relationship = serializers.CharField()
    person_id = serializers.CharField()


class RevisitSerializer(serializers.Serializer):
    """A household of an earlier round, as a revisit starts from it (no answers)."""

    code = serializers.CharField()
    round = serializers.CharField()
    head_name = serializers.CharField()
    village = serializers.CharField()
    address = serializers.CharField()
    unit = serializers.CharField(help_text="its commune now, if exactly one of the user's")
    members = RevisitMemberSerializer(many=True)


class CommuneSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class RoundSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    communes = CommuneSerializer(many=True)
