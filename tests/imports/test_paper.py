"""Importing the paper data-entry workbook: round trip, scores, idempotency, corrections."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from criteria.selectors import spec_of
from flows.imports import import_responses
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile
from scoring.models import HouseholdScore, MemberScore, ScoringRun
from survey.imports.layout import header_code
from survey.imports.problems import ImportRefused
from survey.imports.service import build_entry_template
from survey.models import HouseholdResponse, ResponseChange, ResponseStatus
from survey.steps import plan_steps
from tests.factories import NGA_QUAN
from tests.imports.conftest import counts, fill_template, household_row, member_rows

POINTS = tuple(f"p{i:02d}" for i in range(1, 17))
SCORE_FIELDS = ("total", "recognised", "complete", "level", "na_mask", "missing_mask", *POINTS)


def run_import(round_, user, data: bytes, **options: Any):
    return import_responses(round_=round_, user=user, data=data, filename="phieu.xlsx", **options)


def labels_of(template: bytes) -> dict[str, dict[str, str]]:
    """Each drop-down column's code -> the label a clerk picks (read from the template)."""
    workbook = load_workbook(io.BytesIO(template))
    lists = workbook["Danh mục"]
    found: dict[str, dict[str, str]] = {}
    for sheet_name in ("Hộ gia đình", "Thành viên"):
        sheet = workbook[sheet_name]
        letters = {c.column_letter: header_code(c.value) for c in sheet[1]}
        for validation in sheet.data_validations.dataValidation:
            if validation.type != "list" or "Danh mục" not in validation.formula1:
                continue
            letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
            first, last = validation.formula1.split("!")[1].replace("$", "").split(":")
            (label_letter, start), (_same, end) = (
                coordinate_from_string(first),
                coordinate_from_string(last),
            )
            # The codes sit just left of the labels.
            code_letter = get_column_letter(column_index_from_string(label_letter) - 1)
            found[letters[letter]] = {
                lists[f"{code_letter}{n}"].value: lists[f"{label_letter}{n}"].value
                for n in range(start, end + 1)
            }
    return found


def as_clerk(rows: list[dict[str, Any]], labels: dict[str, dict[str, str]]) -> list[dict]:
    """Replace single-choice codes by the labels a clerk picks from the drop-downs."""
    return [
        {k: labels[k].get(v, v) if k in labels and v else v for k, v in row.items()} for row in rows
    ]


def score_rows(response: HouseholdResponse) -> tuple[list[tuple], tuple | None]:
    members = [
        tuple(getattr(s, f) for f in SCORE_FIELDS)
        for s in MemberScore.objects.filter(
            response=response, run__kind=ScoringRun.Kind.PRIMARY
        ).order_by("member__position")
    ]
    household = HouseholdScore.objects.filter(
        response=response, run__kind=ScoringRun.Kind.PRIMARY
    ).first()
    return members, tuple(getattr(household, f) for f in SCORE_FIELDS) if household else None


# Round trip -----------------------------------------------------------------------------


def test_template_filled_in_and_imported_scores_as_the_engine_does(round_, staff):
    _name, template = build_entry_template(round_=round_, user=staff)
    labels = labels_of(template)
    data = fill_template(
        round_,
        as_clerk([household_row()], labels),
        as_clerk(member_rows(), labels),
        template=template,
    )
    before = counts()

    report = run_import(round_, staff, data)

    assert (report.source, report.households, report.members) == ("paper", 1, 4)
    assert (report.created, report.updated, report.unchanged, report.written) == (1, 0, 0, True)
    after = counts()
    assert after["responses"] == before["responses"] + 1
    assert after["members"] == before["members"] + 4
    response = HouseholdResponse.objects.get()
    assert (response.unit_id, response.village, response.head_name) == (
        NGA_QUAN,
        "Thôn 3",
        "Nguyễn Văn An",
    )
    assert response.status == ResponseStatus.SUBMITTED
    assert response.surveyor == staff
    assert response.answers == {
        "reading_materials": ["books", "newspapers"],
        "internet_access": "yes",
        "learning_devices": ["smartphone", "tv"],
        "study_place": "yes",
        "life_improved": "clear",
    }
    members = list(response.members.order_by("position"))
    assert [(m.full_name, m.sex, m.birth_year, m.age, m.ethnicity) for m in members] == [
        ("Nguyễn Văn An", "male", 1981, 40, "01"),
        ("Trần Thị Bình", "female", 1986, 35, "02"),
        ("Nguyễn Minh Châu", "female", 2011, 10, "01"),
        ("Nguyễn Văn Dũng", "male", 1953, 68, "01"),
    ]
    assert members[1].answers["foreign_languages"] == ["english"]
    assert members[1].answers["community_sessions_12m"] == 8
    # The elder (68) is not asked the adult-literacy questions (19-60): the answers are dropped.
    assert "literacy" not in members[3].answers
    assert "learning_contents_12m" not in members[3].answers
    assert {w.column.split(": ")[1] for w in report.warnings} >= {
        next(h for h in _headers(template, "Thành viên") if h.endswith("[literacy]"))
    }

    citizen = spec_of(criteria_set=round_.citizen_set)
    household = spec_of(criteria_set=round_.household_set)
    expected = score_response(
        citizen=citizen,
        household=household,
        members=[
            MemberInput(MemberProfile(m.target_group, m.age, m.sex), m.answers) for m in members
        ],
        household_answers=response.answers,
    )
    member_scores, household_score = score_rows(response)
    assert [s[0] for s in member_scores] == [r.total for r in expected.members if r is not None]
    assert household_score[0] == expected.household.total
    assert len(member_scores) == 3  # the child is in no assessed group


def _headers(template: bytes, sheet: str) -> list[str]:
    workbook = load_workbook(io.BytesIO(template))
    return [c.value for c in workbook[sheet][1]]


def test_imported_scores_equal_the_web_forms_for_the_same_answers(round_, staff, client):
    data = fill_template(round_, [household_row()], member_rows())
    run_import(round_, staff, data)
    imported = HouseholdResponse.objects.get()

    client.force_login(staff)
    web = submit_through_wizard(client, round_, household_row(), member_rows())

    assert web.pk != imported.pk
    assert web.answers == imported.answers
    web_members = list(web.members.order_by("position"))
    imported_members = list(imported.members.order_by("position"))
    assert [m.answers for m in web_members] == [m.answers for m in imported_members]
    assert score_rows(web) == score_rows(imported)


def submit_through_wizard(client, round_, household: dict, members: list[dict]):
    """Walk the web form with the same answers and return the response it creates."""
    citizen = spec_of(criteria_set=round_.citizen_set)
    household_spec = spec_of(criteria_set=round_.household_set)
    steps = {s.name: s for s in plan_steps(citizen=citizen, household=household_spec)}
    multiple = {
        q.code
        for spec in (citizen, household_spec)
        for q in spec.questions
        if q.type == "select_multiple"
    }

    def value(code: str, text: str) -> Any:
        return text.split() if code in multiple else text

    posts: dict[str, dict[str, Any]] = {
        "household": {
            "wizard-current_step": "household",
            "household-unit": NGA_QUAN,
            "household-village": household["village"],
            "household-address": household["address"],
            "household-head_name": household["head_name"],
            "household-survey_date": "2021-07-15",
        },
        "members": {
            "wizard-current_step": "members",
            "members-TOTAL_FORMS": str(len(members)),
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "1",
            "members-MAX_NUM_FORMS": "30",
        },
        "review": {"wizard-current_step": "review"},
    }
    for index, member in enumerate(members):
        for name in ("full_name", "sex", "birth_year", "ethnicity", "education"):
            posts["members"][f"members-{index}-{name}"] = member[name]
        posts["members"][f"members-{index}-target_group"] = member["target_group"]
        posts["members"][f"members-{index}-relationship"] = member["relationship"]
    for name, step in steps.items():
        if step.kind == "member_questions":
            data: dict[str, Any] = {"wizard-current_step": name}
            for index, member in enumerate(members):
                for question in step.questions:
                    if member.get(question.code):
                        data[f"{name}-m{index}-{question.code}"] = value(
                            question.code, member[question.code]
                        )
            posts[name] = data
        elif step.kind == "household_questions":
            posts[name] = {"wizard-current_step": name} | {
                f"{name}-{q.code}": value(q.code, household[q.code]) for q in step.questions
            }
    start = client.post(f"/survey/rounds/{round_.code}/new/")
    url = start.url
    while "/drafts/" in url:  # the last step's POST submits and leads to the response
        step = url.rstrip("/").split("/")[-1]
        response = client.post(url, posts[step])
        assert response.status_code == 302, (step, response.content.decode()[:3000])
        url = response.url
    return HouseholdResponse.objects.get(pk=int(url.rstrip("/").split("/")[-1]))


# Idempotency and corrections --------------------------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_the_second_time(round_, staff):
    data = fill_template(round_, [household_row()], member_rows())
    run_import(round_, staff, data)
    before = counts()

    with pytest.raises(ImportRefused) as refused:
        run_import(round_, staff, data)

    assert counts() == before
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == (
        "Hộ gia đình",
        2,
        "A: Mã hộ [household_key]",
    )
    assert problem.vi == (
        "Hộ Nguyễn Văn An (Thôn 3) đã có trong đợt khảo sát này (cùng xã, thôn, chủ hộ và địa "
        "chỉ, hoặc cùng phiếu); không nhập lại. Để cập nhật hộ đã có, hãy chọn “Cập nhật hộ đã "
        "có” (--update)"
    )
    assert problem.en.startswith("Household Nguyễn Văn An (Thôn 3) already exists in this round")


def test_the_same_household_spelt_with_another_tone_placement_is_found(round_, staff):
    run_import(round_, staff, fill_template(round_, [household_row()], member_rows()))
    again = household_row(head_name="NGUYỄN  VĂN  AN", village="thôn 3")
    before = counts()

    with pytest.raises(ImportRefused):
        run_import(round_, staff, fill_template(round_, [again], member_rows()))

    assert counts() == before


def test_update_with_the_same_file_changes_nothing(round_, staff):
    data = fill_template(round_, [household_row()], member_rows())
    run_import(round_, staff, data)
    before = counts()

    report = run_import(round_, staff, data, update=True)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert counts() == before


def test_update_corrects_through_the_correction_path_and_records_history(round_, staff):
    run_import(round_, staff, fill_template(round_, [household_row()], member_rows()))
    response = HouseholdResponse.objects.get()
    person_ids = list(response.members.order_by("position").values_list("person_id", flat=True))
    old_scores = score_rows(response)
    changed = member_rows()
    changed[0]["learning_plan"] = "none"
    changed[0]["community_sessions_12m"] = "0"
    changed[0]["community_venues"] = ""

    report = run_import(
        round_,
        staff,
        fill_template(round_, [household_row(life_improved="little")], changed),
        update=True,
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    response.refresh_from_db()
    assert response.revision == 2
    assert HouseholdResponse.objects.count() == 1
    change = ResponseChange.objects.get(response=response)
    assert change.revision == 2 and change.changed_by == staff
    fields = {c["field"]: (c["old"], c["new"]) for c in change.changes}
    assert fields["answers.life_improved"] == ("clear", "little")
    first = str(person_ids[0])
    assert fields[f"members.{first}.answers.learning_plan"] == ("written_followed", "none")
    assert fields[f"members.{first}.answers.community_sessions_12m"] == (8, 0)
    # Each person keeps their identity; the scores follow the corrected answers.
    assert (
        list(response.members.order_by("position").values_list("person_id", flat=True))
        == person_ids
    )
    new_scores = score_rows(response)
    assert new_scores != old_scores
    assert new_scores[0][1:] == old_scores[0][1:]
    assert MemberScore.objects.filter(response=response).count() == 3


def test_update_refuses_an_approved_response(round_, staff):
    run_import(round_, staff, fill_template(round_, [household_row()], member_rows()))
    HouseholdResponse.objects.update(status=ResponseStatus.APPROVED)
    before = counts()
    changed = household_row(life_improved="little")

    with pytest.raises(ImportRefused) as refused:
        run_import(round_, staff, fill_template(round_, [changed], member_rows()), update=True)

    assert counts() == before
    assert [(p.row, p.vi) for p in refused.value.problems] == [
        (2, "Phiếu đã được phê duyệt, không thể sửa.")
    ]


def test_check_only_writes_nothing_and_tells_what_would_happen(round_, staff):
    data = fill_template(
        round_,
        [household_row(), household_row("2", head_name="Lò Thị Mai")],
        [
            *member_rows(),
            *member_rows("2"),
        ],
    )
    before = counts()

    report = run_import(round_, staff, data, check_only=True)

    assert counts() == before
    assert (report.created, report.written, report.households, report.members) == (2, False, 2, 8)


def test_many_households_are_scored_in_bulk_as_one_by_one(round_, staff):
    households, members = [], []
    for number in range(1, 61):  # many households in one file
        key = str(number)
        households.append(household_row(key, head_name=f"Chủ hộ {number}"))
        members += member_rows(key)
    report = run_import(round_, staff, fill_template(round_, households, members))

    assert report.created == 60
    assert MemberScore.objects.count() == 180
    assert HouseholdScore.objects.count() == 60
    first = HouseholdResponse.objects.get(head_name="Chủ hộ 1")
    last = HouseholdResponse.objects.get(head_name="Chủ hộ 60")
    assert score_rows(first) == score_rows(last)
