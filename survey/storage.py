"""Wizard storage in the Draft row, so a form in progress outlives the session."""

from __future__ import annotations

from django.http import Http404
from formtools.wizard.storage.base import BaseStorage

from survey.models import Draft
from survey.services import save_draft_state


class DraftStorage(BaseStorage):
    """Keep the wizard's data in ``Draft.data`` instead of the session.

    The draft is named by the URL and must belong to the user; every response
    writes the state back, so each completed step is on the server.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        draft_id = self.request.resolver_match.kwargs["draft_id"]
        self.draft = (
            Draft.objects.filter(pk=draft_id, owner=self.request.user)
            .select_related(
                "round", "round__citizen_set", "round__household_set", "response", "household"
            )
            .first()
        )
        if self.draft is None:
            raise Http404
        self.data = self.draft.data or {}
        if not self.data:
            self.init_data()
        self.submitted = False
        self.kept = False  # a refused submit: the draft stays as it was
        self.read_only = False  # a request that must write nothing (the done URL's GET)

    def reset(self):
        # formtools resets the storage after done(), whatever done() returned; a refused
        # submit (conflict, approval meanwhile) must not wipe what the surveyor typed.
        if not self.kept:
            super().reset()

    def update_response(self, response):
        super().update_response(response)
        if not (self.submitted or self.read_only):
            step_data = self.data.get(self.step_data_key, {})
            household = (step_data.get("household") or {}).get("household-head_name") or [""]
            save_draft_state(
                draft_id=self.draft.pk,
                data=self.data,
                current_step=self.current_step or "",
                # A revisit is named by its household until the household step is saved.
                label=household[0] if household and household[0] else self.draft.label,
            )
