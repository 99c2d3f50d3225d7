"""The login form shared by the staff login and the party portal login, with throttling."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lastmile.core.clock import get_clock

from .throttle import LoginLock, client_address, login_failed, login_lock, login_succeeded


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refused while the username or the client address is locked out.

    After ``MAX_FAILURES`` wrong passwords for one username (or ``MAX_FAILURES_PER_ADDRESS``
    from one address) within ``WINDOW_SECONDS``, both are refused for ``LOCKOUT_SECONDS`` even
    with the right password, and the message says how long is left. A correct password resets
    the username's count (see :mod:`lastmile.accounts.throttle`)."""

    locked: LoginLock | None = None

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request) if self.request is not None else "unknown"
        now = get_clock().now()
        self.locked = login_lock(username=username, address=address, now=now)
        if self.locked is not None:
            raise forms.ValidationError(self.locked.message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                self.locked = login_failed(username=username, address=address, now=now)
                if self.locked is not None:
                    raise forms.ValidationError(self.locked.message, code="locked") from None
            raise
        login_succeeded(username=username)
        return cleaned

    @property
    def locked_message(self) -> str:
        return self.locked.message if self.locked is not None else ""
