"""Sign-in pages in Vietnamese: Django's own auth views, throttled by django-axes, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from luutru.accounts.actions import record_password_change


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_password_change(form.user, actor=self.request.user, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_password_change(form.user, actor=form.user, request=self.request)
        return response
