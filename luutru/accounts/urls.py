from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from luutru.accounts import views
from luutru.lib.ratelimit import per_ip

# Per address, beside axes's lockout of one user name: a script trying many names from one
# address, or sending reset mail to many people, is stopped too (settings, lib/ratelimit.py).
POSTS = frozenset({"POST"})
app_name = "accounts"
urlpatterns = [
    path(
        "dang-nhap/",
        per_ip("login", "LOGIN_PER_MINUTE", methods=POSTS)(views.LoginView.as_view()),
        name="login",
    ),
    path("xac-thuc-hai-buoc/", views.second_factor, name="second_factor"),
    path("xac-thuc-hai-buoc/dang-ky/", views.enrol, name="enrol"),
    path("xac-thuc-hai-buoc/dat-lai/", views.reset_second_factor_page, name="reset_second_factor"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "quen-mat-khau/",
        per_ip("password-reset", "PASSWORD_RESET_PER_MINUTE", methods=POSTS)(
            auth_views.PasswordResetView.as_view(
                success_url=reverse_lazy("accounts:password_reset_done")
            )
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
