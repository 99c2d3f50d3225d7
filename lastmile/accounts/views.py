"""The login page of staff and of the party portal: Django's LoginView with throttling."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpResponse

from .forms import ThrottledAuthenticationForm


class ThrottledLoginView(LoginView):
    """Answers 429 with the remaining wait while the username or address is locked out."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "locked", None) is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.locked.seconds_left)
        return response
