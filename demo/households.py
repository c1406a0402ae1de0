"""Synthetic households: their people (size, ages, ethnicity, relationships), names,
schooling and the target group each member is assessed in.

Figures from the domain reference (``shared/domain/README.md``, section 6); where it
gives none the choice is ours **[assumption]**:

* Household size: about 3.3 in wards and towns (Phường, Thị trấn), 4.0 in rural
  communes (Xã): head, usually a spouse, children, sometimes a parent or
  grandchildren.
* Ethnicity per area: thành phố Yên Bái mostly Kinh **[assumption: 88% Kinh,
  6% Tày, 2% Dao, a few Mường, Thái, Nùng, Mông]**; huyện Trấn Yên Kinh 74%,
  Tày 16%, Dao 6%, others 4%. A spouse is of another group 10% of the time.
* Target groups by area **[assumption]**: rural members 15+ are 72% farmers,
  18% workers, 10% cadres; urban 20% / 50% / 30%. Pupils form a group only in
  sets that have one (CDHT v2); under the pilot set children are not assessed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from criteria.spec import CriteriaSpec
from demo.randomness import pick

SIZES_URBAN = {1: 0.08, 2: 0.20, 3: 0.27, 4: 0.27, 5: 0.12, 6: 0.04, 7: 0.02}  # mean 3.35
SIZES_RURAL = {1: 0.05, 2: 0.13, 3: 0.19, 4: 0.28, 5: 0.19, 6: 0.10, 7: 0.06}  # mean 3.97
# GSO ethnic codes: 01 Kinh, 02 Tày, 03 Thái, 06 Mường, 07 Nùng, 08 Mông, 09 Dao.
ETHNIC_MIX = {
    "132": {"01": 0.88, "02": 0.06, "09": 0.02, "06": 0.015, "03": 0.01, "07": 0.01, "08": 0.005},
    "138": {"01": 0.74, "02": 0.16, "09": 0.06, "08": 0.015, "06": 0.01, "03": 0.01, "07": 0.005},
}
ROLE_MIX = {
    "urban": {"farmer": 0.20, "worker": 0.50, "cadre": 0.30},
    "rural": {"farmer": 0.72, "worker": 0.18, "cadre": 0.10},
}
ROLE_CODES = {
    "farmer": ("nong_dan", "cu_dan"),
    "worker": ("cong_nhan", "nguoi_lao_dong"),
    "cadre": ("can_bo", "can_bo_dn"),
    "pupil": ("hoc_sinh",),
}

FAMILY_NAMES = {
    "01": ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"),
    "02": ("Hoàng", "Nông", "Hà", "Lương", "Đinh", "Ma"),
    "03": ("Lò", "Cầm", "Lường", "Điêu"),
    "06": ("Đinh", "Bùi", "Quách", "Hà"),
    "07": ("Nông", "Hoàng", "Lục", "Vi"),
    "08": ("Giàng", "Sùng", "Vàng", "Hờ", "Lù"),
    "09": ("Triệu", "Bàn", "Lý", "Đặng", "Phùng"),
}
MIDDLE = {"male": ("Văn", "Đức", "Minh", "Quang", "Hữu"), "female": ("Thị", "Thu", "Ngọc", "Minh")}
GIVEN = {
    "male": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc",
             "Quân", "Sơn", "Thắng", "Tuấn", "Việt"),
    "female": ("Anh", "Châu", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
               "Nga", "Phương", "Thảo", "Trang", "Yến"),
}  # fmt: skip


@dataclass
class Person:
    sex: str
    age: int
    ethnicity: str
    relationship: str
    role: str  # farmer / worker / cadre / pupil / child


def draw_people(*, urban: bool, district: str, rng: random.Random) -> list[Person]:
    """Draw a household's people, the head first."""
    size = pick(SIZES_URBAN if urban else SIZES_RURAL, rng)
    mix = ETHNIC_MIX.get(district, ETHNIC_MIX["138"])
    ethnicity = pick(mix, rng)
    head_age = min(85, max(22, round(rng.triangular(24, 80, 44))))
    head_sex = "male" if rng.random() < 0.78 else "female"
    people = [Person(head_sex, head_age, ethnicity, "head", "")]
    if size >= 2 and rng.random() < 0.9:
        spouse_age = min(90, max(20, head_age + rng.randint(-6, 4)))
        spouse_ethnicity = ethnicity if rng.random() < 0.9 else pick(mix, rng)
        other = "female" if head_sex == "male" else "male"
        people.append(Person(other, spouse_age, spouse_ethnicity, "spouse", ""))
    if len(people) < size and size >= 4 and head_age < 58 and rng.random() < 0.25:
        people.append(
            Person(
                rng.choice(("male", "female")),
                min(95, head_age + rng.randint(22, 32)),
                ethnicity,
                "parent",
                "",
            )
        )
    while len(people) < size:
        if head_age > 58 and rng.random() < 0.5:
            age, relationship = rng.randint(0, 16), "grandchild"
        else:
            age, relationship = max(0, head_age - rng.randint(20, 38)), "child"
        people.append(Person(rng.choice(("male", "female")), age, ethnicity, relationship, ""))
    return people


def draw_education(*, person: Person, rng: random.Random) -> str:
    """Draw the schooling a person of that age and role plausibly has."""
    age, role = person.age, person.role
    if age < 6:
        return "none"
    if age <= 10:
        return "primary"
    if age <= 14:
        return "lower_secondary"
    if age <= 17:
        return "upper_secondary"
    if role == "cadre":
        return rng.choice(("college", "university", "university", "postgraduate"))
    if role == "worker":
        return rng.choice(("lower_secondary", "upper_secondary", "vocational", "vocational"))
    return rng.choice(("primary", "lower_secondary", "lower_secondary", "upper_secondary"))


def draw_family_name(*, ethnicity: str, rng: random.Random) -> str:
    """Draw a family name common in the ethnic group (Kinh names for other groups)."""
    return rng.choice(FAMILY_NAMES.get(ethnicity, FAMILY_NAMES["01"]))


def draw_name(*, person: Person, family: str, rng: random.Random) -> str:
    """Draw a full name: the family name, a middle and a given name for the person's sex."""
    return f"{family} {rng.choice(MIDDLE[person.sex])} {rng.choice(GIVEN[person.sex])}"


class TargetGroups:
    """The citizen set's target group for each role (and the ages it covers)."""

    def __init__(self, spec: CriteriaSpec):
        groups = list(spec.target_groups)
        self.ranges = {g.code: (g.min_age or 0, g.max_age or 200) for g in groups}
        self.code: dict[str, str | None] = {}
        for n, role in enumerate(("farmer", "worker", "cadre", "pupil")):
            known = next((g.code for g in groups if g.code in ROLE_CODES[role]), None)
            if known is None and role != "pupil" and n < len(groups):
                known = groups[n].code
            self.code[role] = known

    def assign(self, person: Person, urban: bool, rng: random.Random) -> str:
        """Draw the person's role, set it on them and return its group ("" if not assessed)."""
        pupil = self.code["pupil"]
        at_school = person.age <= 17 or (person.age <= 22 and rng.random() < 0.35)
        if pupil and at_school and self._covers(pupil, person.age):
            person.role = "pupil"
            return pupil
        if person.age < 15:
            person.role = "child"
            return ""
        role = pick(ROLE_MIX["urban" if urban else "rural"], rng)
        if person.age >= 60 and role == "cadre" and rng.random() < 0.7:
            role = "farmer"  # retired
        code = self.code[role]
        if code is None or not self._covers(code, person.age):
            person.role = "child"
            return ""
        person.role = role
        return code

    def _covers(self, code: str, age: int) -> bool:
        low, high = self.ranges.get(code, (0, 200))
        return low <= age <= high
