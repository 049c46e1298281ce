"""Sign-in pages in Vietnamese: Django's own auth views, throttled by django-axes, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse_lazy

from luutru.accounts.actions import record_password_change


class LoginView(auth_views.LoginView):
    def get_default_redirect_url(self) -> str:
        """Staff land on their dashboard; readers, who have no staff pages, on the public site."""
        if self.request.user.has_perm("organizations.view_agency"):
            return super().get_default_redirect_url()
        return resolve_url("portal:home")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_password_change(form.user, actor=self.request.user, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_password_change(form.user, actor=form.user, request=self.request)
        return response
