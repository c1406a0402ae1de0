"""The authentication backend that loads the user's preference with the user.

The language middleware reads the preference on every request; joining it to the
user's own query keeps that free (no query more per page). django-axes' backend,
first in settings, only refuses locked-out logins and loads no user.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser


class AccountBackend(ModelBackend):
    """Django's ModelBackend; the session's user comes with their preference."""

    def get_user(self, user_id) -> AbstractBaseUser | None:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("preference").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
