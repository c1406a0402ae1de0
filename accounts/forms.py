"""The login form."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a user name longer than any account's before it is tried.

    Django sets the field's max_length after building it, so the length is only a widget
    attribute; without the validator a 5,000-character name reaches the throttling
    records (255 characters) and the database refuses it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
