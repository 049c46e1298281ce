"""Sign-in pages in Vietnamese: Django's own auth views, throttled by django-axes, audited; the
second factor (xác thực hai bước): enrolment, verification, an administrator's reset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from luutru.accounts import services
from luutru.accounts.actions import (
    confirm_second_factor,
    record_password_change,
    record_recovery_code_use,
    record_second_factor_failure,
    reset_second_factor,
)
from luutru.accounts.middleware import is_verified, remember_need
from luutru.accounts.models import User


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Readers sign in on the portal's layout; staff (going to /quan-tri/) on theirs."""
        context = super().get_context_data(**kwargs)
        staff = str(context.get("next", "")).startswith("/quan-tri/")
        context["layout"] = "base.html" if staff else "portal/base.html"
        return context

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


def _next(request: HttpRequest) -> str:
    """Where to go after the second factor: ``next`` if it is on this site, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Xác thực hai bước: a code from the app, or one of the recovery codes."""
    user = request.user
    assert isinstance(user, User)
    if not services.has_second_factor(user):
        return redirect("accounts:enrol")
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split()).lower()
        device = match_token(user, token) if token else None
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                record_recovery_code_use(user, request=request)
                messages.warning(
                    request,
                    _(
                        "Bạn vừa dùng một mã khôi phục. Nếu mất điện thoại, hãy đăng ký lại "
                        "xác thực hai bước để có mã mới."
                    ),
                )
            return redirect(_next(request))
        record_second_factor_failure(user, request=request)
        error = _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử lại.")
    return render(
        request,
        "registration/second_factor.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Đăng ký xác thực hai bước: scan the QR code (or type the key), confirm with one code,
    receive ten recovery codes. Someone already enrolled must have passed the factor this
    session first, so that a stolen password alone cannot replace the phone."""
    user = request.user
    assert isinstance(user, User)
    if services.has_second_factor(user) and not is_verified(request):
        return redirect(f"{resolve_url('accounts:second_factor')}?next={request.path}")
    device = services.pending_device(user)
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        if token.isdigit() and device.verify_token(token):
            codes = confirm_second_factor(user, device, request=request)
            otp_login(request, device)
            remember_need(request, user)
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        record_second_factor_failure(user, request=request)
        error = _("Mã xác thực không đúng. Kiểm tra giờ của điện thoại rồi nhập mã mới.")
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "qr": services.qr_svg(device),
            "key": services.manual_key(device),
            "error": error,
            "next": _next(request),
        },
        status=400 if error else 200,
    )


@login_required
@permission_required("accounts.reset_second_factor", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reset_second_factor_page(request: HttpRequest) -> HttpResponse:
    """An administrator removes a user's devices (lost phone and recovery codes)."""
    done = ""
    error = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        target = User.objects.filter(username=username).first()
        if target is None:
            error = _("Không có tài khoản này.")
        else:
            reset_second_factor(target, actor=request.user, request=request)
            done = username
    enrolled = User.objects.filter(totpdevice__confirmed=True).distinct().order_by("username")
    return render(
        request,
        "registration/second_factor_reset.html",
        {"done": done, "error": error, "enrolled": enrolled},
        status=400 if error else 200,
    )
