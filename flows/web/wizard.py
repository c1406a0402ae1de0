"""The household form: a django-formtools wizard generated from the round's criteria sets.

The wizard stays thin: the steps come from ``survey.steps.plan_steps``, each
step's condition is a pure predicate, forms validate, and ``done()`` hands the
collected data to one service, ``flows.responses.record_response``. The last step's
POST submits; the done URL's GET writes nothing (a reload or a link prefetch may send it).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from formtools.wizard.views import NamedUrlWizardView, WizardView

from criteria.selectors import spec_of
from flows.preview import preview_response
from flows.responses import record_response
from flows.web.duplicates import warn_duplicates
from flows.web.review_display import ReviewWords
from survey.display import display_answer
from survey.forms import (
    HouseholdForm,
    HouseholdQuestionsForm,
    MemberFormSet,
    MemberQuestionsForm,
    ReviewForm,
    profile_of,
)
from survey.models import HouseholdResponse
from survey.reference import SEXES
from survey.revisit import HOUSEHOLD_INITIAL
from survey.selectors import entry_units, last_return, visible_responses
from survey.services import AlreadySurveyed, EditConflict, Submission, SurveyError
from survey.steps import HOUSEHOLD, MEMBERS, REVIEW, Step, plan_steps, step_applies
from units.models import AdminUnit

FORM_CLASSES = {
    "household": HouseholdForm,
    "members": MemberFormSet,
    "member_questions": MemberQuestionsForm,
    "household_questions": HouseholdQuestionsForm,
    "review": ReviewForm,
}


class HouseholdWizard(LoginRequiredMixin, NamedUrlWizardView):
    storage_name = "survey.storage.DraftStorage"
    form_list = [(REVIEW, ReviewForm)]  # replaced by the round's own steps in get_form_list
    template_name = "survey/wizard.html"

    # Set-up --------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            submitted = HouseholdResponse.objects.filter(source_draft=kwargs["draft_id"]).first()
            # Only to a response the user may see: another user's draft id leads nowhere.
            if (
                submitted is not None
                and visible_responses(user=request.user).filter(pk=submitted.pk).exists()
            ):
                messages.info(request, _("Phiếu này đã được gửi."))
                return redirect("survey:response", pk=submitted.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs) -> str:
        return "wizard"

    def get_step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"draft_id": self.storage.draft.pk, "step": step})

    @property
    def round(self):
        return self.storage.draft.round

    def _setup(self) -> None:
        if hasattr(self, "plan"):
            return
        self.language = get_language() or "vi"
        self.citizen = spec_of(criteria_set=self.round.citizen_set)
        household_set = self.round.household_set
        self.household_spec = spec_of(criteria_set=household_set) if household_set else None
        self.plan: dict[str, Step] = {
            s.name: s for s in plan_steps(citizen=self.citizen, household=self.household_spec)
        }

    def spec_for(self, step: Step):
        return self.citizen if step.source == "citizen" else self.household_spec

    def get_form_list(self):
        self._setup()
        self.form_list = OrderedDict((name, FORM_CLASSES[s.kind]) for name, s in self.plan.items())
        self.condition_dict = {
            name: self._condition(step)
            for name, step in self.plan.items()
            if step.kind == "member_questions"
        }
        return super().get_form_list()

    def _condition(self, step: Step):
        def applies(wizard: HouseholdWizard) -> bool:
            # Until the members are known every step counts, so "Bước 1/8" does not shrink.
            if not wizard.members():
                return True
            return step_applies(step=step, spec=wizard.spec_for(step), profiles=wizard.profiles())

        return applies

    # What earlier steps said ---------------------------------------------------------

    def survey_year(self) -> int:
        # Kept for the request: formtools caches valid cleaned data only, and a household step
        # not saved yet (a revisit's, or one left invalid by Back) would be rebuilt, with its
        # scope queries, for every condition of every step.
        if not hasattr(self, "_survey_year"):
            household = self.get_cleaned_data_for_step(HOUSEHOLD) or {}
            day = household.get("survey_date") or self.round.starts_on
            self._survey_year = day.year
        return self._survey_year

    def members(self) -> list[dict[str, Any]]:
        if not hasattr(self, "_members"):
            form = self.get_form(step=MEMBERS, data=self.storage.get_step_data(MEMBERS), files=None)
            self._members = form.members() if form.is_bound and form.is_valid() else []
        return self._members

    def profiles(self) -> list[dict[str, Any]]:
        year = self.survey_year()
        return [profile_of(m, survey_year=year) for m in self.members()]

    def member_answers(self, *, before: str | None = None) -> list[dict[str, Any]]:
        """Merge the member answers of the member-question steps (up to ``before``)."""
        answers: list[dict[str, Any]] = [{} for _ in self.members()]
        for name in self.get_form_list():
            if name == before:
                break
            if self.plan[name].kind != "member_questions":
                continue
            form = self.get_form(step=name, data=self.storage.get_step_data(name))
            if form.is_bound and form.is_valid():
                for index, values in form.member_answers().items():
                    answers[index].update(values)
        return answers

    def household_answers(self) -> dict[str, Any]:
        for name, step in self.plan.items():
            if step.kind == "household_questions" and name in self.get_form_list():
                form = self.get_form(step=name, data=self.storage.get_step_data(name))
                if form.is_bound and form.is_valid():
                    return form.answers()
        return {}

    # Forms -----------------------------------------------------------------------------

    def get_form_kwargs(self, step=None):
        self._setup()
        plan_step = self.plan[step]
        if plan_step.kind == HOUSEHOLD:
            return {
                "units": [
                    (u.key, u.name) for u in entry_units(user=self.request.user, round_=self.round)
                ],
                "period": (self.round.starts_on, self.round.ends_on),
            }
        if plan_step.kind == MEMBERS:
            groups = [(g.code, g.label.get(self.language)) for g in self.citizen.target_groups]
            return {
                "form_kwargs": {"groups": groups, "survey_year": self.survey_year()},
                "group_ages": {g.code: (g.min_age, g.max_age) for g in self.citizen.target_groups},
            }
        if plan_step.kind == "member_questions":
            return {
                "step": plan_step,
                "spec": self.spec_for(plan_step),
                "members": self.members(),
                "profiles": self.profiles(),
                "prior_answers": self.member_answers(before=step),
                "language": self.language,
                "reviewer": self.request.user.has_perm("accounts.review_survey_data"),
            }
        if plan_step.kind == "household_questions":
            return {"step": plan_step, "spec": self.household_spec, "language": self.language}
        return {}

    def get_form_initial(self, step):
        if step == HOUSEHOLD and self.storage.draft.response_id is None:
            # A revisit starts from the household's details; the survey date is always new.
            revisit = self.storage.extra_data.get(HOUSEHOLD_INITIAL) or {}
            return {**revisit, "survey_date": None}
        return super().get_form_initial(step)

    # Requests --------------------------------------------------------------------------

    def get(self, *args, **kwargs):
        if kwargs.get("step") == self.done_step_name:
            # Nothing is submitted here: a submitted draft was sent to its response by
            # dispatch(); any other goes back to the step it is on (the review once walked),
            # and its state is not saved.
            self.storage.read_only = True
            return redirect(self.get_step_url(self.steps.current))
        return super().get(*args, **kwargs)

    def render_done(self, form, **kwargs):
        # Submit within the last step's POST: NamedUrlWizardView would redirect it to the
        # done URL and submit on that GET.
        return WizardView.render_done(self, form, **kwargs)

    def post(self, *args, **kwargs):
        goto = self.request.POST.get("wizard_goto_step")
        if goto and goto in self.get_form_list():
            # Back keeps what was typed on this step, valid or not.
            form = self.get_form(data=self.request.POST, files=self.request.FILES)
            self.storage.set_step_data(self.steps.current, self.process_step(form))
            return self.render_goto_step(goto)
        if self.steps.current == MEMBERS and "add_member" in self.request.POST:
            data = self.request.POST.copy()
            total = f"{self.get_form_prefix()}-TOTAL_FORMS"
            data[total] = str(int(data.get(total) or 0) + 1)
            self.storage.set_step_data(MEMBERS, self.process_step(self.get_form(data=data)))
            return self.render(self.get_form(data=data))
        response = super().post(*args, **kwargs)
        form = getattr(response, "context_data", {}).get("form")
        if form is not None and form.is_bound and form.errors:
            # The step is shown again with its messages: a refused request, not a page.
            response.status_code = 400
        return response

    def process_step(self, form):
        if self.steps.current == HOUSEHOLD and form.is_valid():
            self._warn_duplicates(form)
        # The step's data is about to change: members read earlier in this request are stale
        # (the next step must be chosen from the members just posted).
        self.__dict__.pop("_members", None)
        self.__dict__.pop("_survey_year", None)
        return super().process_step(form)

    def _warn_duplicates(self, form) -> None:
        warn_duplicates(
            request=self.request,
            round_=self.round,
            draft=self.storage.draft,
            data=form.cleaned_data,
        )

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.plan[self.steps.current]
        draft = self.storage.draft
        context.update({"plan_step": step, "round": self.round, "draft": draft})
        if draft.response is not None:
            context["returned"] = last_return(response=draft.response)
        if step.kind == REVIEW:
            context["review"] = self.review()
        return context

    def review(self) -> dict[str, Any]:
        """Every answer and the score each member and the household would get."""
        members = self.members()
        answers = self.member_answers()
        household_answers = self.household_answers()
        result = preview_response(
            citizen=self.citizen,
            household=self.household_spec,
            profiles=self.profiles(),
            member_answers=answers,
            household_answers=household_answers,
        )
        specs = [s for s in (self.citizen, self.household_spec) if s is not None]
        questions = {q.code: q for spec in reversed(specs) for q in spec.questions}
        words = ReviewWords(specs=specs, language=self.language)
        household = self.get_cleaned_data_for_step(HOUSEHOLD) or {}

        def shown(items: dict[str, Any]) -> list[tuple[Any, str]]:
            return [
                (
                    questions[code],
                    display_answer(
                        specs=specs, question=questions[code], value=value, language=self.language
                    ),
                )
                for code, value in items.items()
            ]

        return {
            "household": household,
            "commune": AdminUnit.objects.filter(key=household.get("unit")).first(),
            "members": [
                {
                    "member": member,
                    "profile": profile,
                    "group": words.groups.get(profile.get("target_group") or "", ""),
                    "sex": dict(SEXES).get(member.get("sex"), ""),
                    "answers": shown(member_answers),
                    "result": outcome,
                    "outcome": words.outcome(outcome) if outcome else None,
                }
                for member, profile, member_answers, outcome in zip(
                    members, self.profiles(), answers, result.members, strict=True
                )
            ],
            "household_answers": shown(household_answers),
            "household_result": result.household,
            "household_outcome": words.outcome(result.household) if result.household else None,
            "language": self.language,
        }

    def kept_answers(self) -> frozenset[str]:
        """Return the answers this user is not shown, which a correction must keep."""
        if self.request.user.has_perm("accounts.review_survey_data"):
            return frozenset()
        specs = [s for s in (self.citizen, self.household_spec) if s is not None]
        return frozenset(q.code for spec in specs for q in spec.questions if q.reviewer_only)

    def done(self, form_list, form_dict=None, **kwargs):
        household = form_dict[HOUSEHOLD].cleaned_data
        answers = self.member_answers()
        submission = Submission(
            unit=household["unit"],
            village=household["village"],
            address=household.get("address", ""),
            head_name=household["head_name"],
            survey_date=household["survey_date"],
            members=[
                {**member, "answers": member_answers}
                for member, member_answers in zip(self.members(), answers, strict=True)
            ],
            household_answers=self.household_answers(),
            kept_answers=self.kept_answers(),
        )
        try:
            response = record_response(
                draft_id=self.storage.draft.pk, user=self.request.user, submission=submission
            )
        except AlreadySurveyed as exc:
            # A revisit of a household surveyed meanwhile: offer the response that exists.
            messages.error(self.request, str(exc))
            self.storage.kept = True
            if visible_responses(user=self.request.user).filter(pk=exc.response.pk).exists():
                return redirect("survey:response", pk=exc.response.pk)
            return redirect(self.get_step_url(REVIEW))
        except EditConflict as exc:
            messages.error(self.request, str(exc))
            self.storage.kept = True
            return redirect("survey:response", pk=self.storage.draft.response_id)
        except SurveyError as exc:
            messages.error(self.request, str(exc))
            self.storage.kept = True
            return redirect(self.get_step_url(REVIEW))
        self.storage.submitted = True
        messages.success(
            self.request, _("Đã gửi phiếu của hộ %(head)s.") % {"head": response.head_name}
        )
        return redirect("survey:response", pk=response.pk)
