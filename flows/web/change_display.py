"""The correction history as people read it: questions and members by name, answers in words.

A stored change names its field by path (``members.<person id>.answers.<code>``); this
turns each into "Lò Thị Hoa: Năm sinh" with choice labels and dates as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.spec import CriteriaSpec
from survey.display import display_answer
from survey.reference import EDUCATION_LEVELS, ETHNIC_NAMES, RELATIONSHIPS, SEXES
from units.models import AdminUnit

FIELD_LABELS = {
    "unit": gettext_lazy("Xã/phường"),
    "village": gettext_lazy("Thôn/tổ"),
    "address": gettext_lazy("Địa chỉ"),
    "head_name": gettext_lazy("Chủ hộ"),
    "survey_date": gettext_lazy("Ngày khảo sát"),
    "full_name": gettext_lazy("Họ và tên"),
    "sex": gettext_lazy("Giới tính"),
    "birth_year": gettext_lazy("Năm sinh"),
    "ethnicity": gettext_lazy("Dân tộc"),
    "education": gettext_lazy("Trình độ học vấn"),
    "target_group": gettext_lazy("Nhóm đối tượng"),
    "relationship": gettext_lazy("Quan hệ với chủ hộ"),
}
CODE_LABELS = {
    "sex": dict(SEXES),
    "ethnicity": ETHNIC_NAMES,
    "education": dict(EDUCATION_LEVELS),
    "relationship": dict(RELATIONSHIPS),
}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


class ChangeWords:
    """Words for the changes of one response: its criteria sets and the people named."""

    def __init__(
        self,
        *,
        specs: Sequence[CriteriaSpec],
        members: Mapping[str, str],
        changes: Iterable[Mapping[str, Any]],
        language: str,
    ) -> None:
        self.specs, self.language = list(specs), language
        self.questions = {q.code: q for s in specs for q in s.questions}
        self.groups = {g.code: g.label.get(language) for s in specs for g in s.target_groups}
        self.names = dict(members)
        units: set[str] = set()
        for change in changes:
            self._learn(change, units)
        self.units = dict(AdminUnit.objects.filter(key__in=units).values_list("key", "name"))

    def _learn(self, change: Mapping[str, Any], units: set[str]) -> None:
        parts = change["field"].split(".")
        if parts[0] == "unit":
            units.update(v for v in (change["old"], change["new"]) if v)
        if parts[0] == "members" and len(parts) >= 2 and parts[1] not in self.names:
            for value in (change["old"], change["new"]):
                if isinstance(value, dict) and value.get("full_name"):
                    self.names[parts[1]] = value["full_name"]
                elif parts[2:] == ["full_name"] and value:
                    self.names[parts[1]] = value

    def _value(self, field: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if field == "unit":
            return self.units.get(value, value)
        if field == "survey_date":
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        if field == "target_group":
            return self.groups.get(value, value)
        if field in CODE_LABELS:
            return str(CODE_LABELS[field].get(value, value))
        return str(value)

    def _answer(self, code: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        return display_answer(
            specs=self.specs, question=self.questions.get(code), value=value, language=self.language
        )

    def _question(self, code: str) -> str:
        question = self.questions.get(code)
        return question.label.get(self.language) if question else code

    def row(self, change: Mapping[str, Any]) -> ChangeRow:
        parts = change["field"].split(".")
        old, new = change["old"], change["new"]
        if parts[0] == "answers" and len(parts) == 2:
            return ChangeRow(
                self._question(parts[1]), self._answer(parts[1], old), self._answer(parts[1], new)
            )
        if parts[0] == "members" and len(parts) >= 2:
            who = self.names.get(parts[1], _("một thành viên"))
            rest = parts[2:]
            if not rest:
                return ChangeRow(
                    _("Thành viên %(name)s") % {"name": who},
                    _("có trong hộ") if old is not None else "—",
                    _("thêm vào hộ") if old is None else _("xoá khỏi hộ"),
                )
            if rest[0] == "answers" and len(rest) == 2:
                label = f"{who}: {self._question(rest[1])}"
                return ChangeRow(label, self._answer(rest[1], old), self._answer(rest[1], new))
            field = rest[0]
            label = f"{who}: {FIELD_LABELS.get(field, field)}"
            return ChangeRow(label, self._value(field, old), self._value(field, new))
        field = parts[0]
        return ChangeRow(
            str(FIELD_LABELS.get(field, change["field"])),
            self._value(field, old),
            self._value(field, new),
        )


def change_history(*, response, specs: Sequence[CriteriaSpec], language: str) -> list[dict]:
    """Return each revision of ``response`` with who made it and its changes in words."""
    revisions = list(response.changes.select_related("changed_by"))
    members = {str(m.person_id): m.full_name for m in response.members.all()}
    words = ChangeWords(
        specs=specs,
        members=members,
        changes=[c for r in revisions for c in r.changes],
        language=language,
    )
    return [
        {
            "revision": r.revision,
            "who": r.changed_by.get_full_name() or r.changed_by.get_username(),
            "at": r.changed_at,
            "rows": [words.row(c) for c in r.changes],
        }
        for r in revisions
    ]
