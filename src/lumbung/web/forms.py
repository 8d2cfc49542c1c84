from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from lumbung.core.http.models import default_lifetime_days


class LoginForm(AuthenticationForm):
    """Django's login form with autocomplete hints for password managers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=100,
        help_text=_("Say what will use it, e.g. “import script of the provincial office”."),
    )

    days = forms.IntegerField(
        label=_("Valid for (days)"),
        required=False,
        min_value=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "token")
        super().__init__(*args, **kwargs)
        longest = default_lifetime_days()
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.max_value = longest
        days.validators.append(MaxValueValidator(longest))
        days.widget.attrs.update({"max": longest, "min": 1, "inputmode": "numeric"})
        days.help_text = _(
            "The token stops working after this many days; at most %(days)d. Leave it empty for "
            "%(days)d days."
        ) % {"days": longest}
