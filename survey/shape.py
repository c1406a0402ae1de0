"""What a household response holds, the same for every channel (form, import, revisit)."""

from __future__ import annotations

HOUSEHOLD_FIELDS = ("unit", "village", "address", "head_name", "survey_date")
# A member's own fields besides the answers, in the order forms and files show them.
MEMBER_FIELDS = (
    "full_name",
    "sex",
    "birth_year",
    "ethnicity",
    "education",
    "target_group",
    "relationship",
)
# A member's identity across corrections and revisits, carried beside the fields.
PERSON_ID = "person_id"
# The oldest age the database accepts (MemberResponse's member_age_plausible).
OLDEST_AGE = 130
# The most members one household may list, in every channel.
MAX_MEMBERS = 30
