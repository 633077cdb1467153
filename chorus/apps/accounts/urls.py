from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import ChooseNewPasswordForm, StartPasswordResetForm

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("single-sign-on/", views.single_sign_on_start, name="sso_start"),
    path("single-sign-on/callback/", views.single_sign_on_callback, name="sso_callback"),
    path("two-step-verification/", views.two_factor, name="two_factor"),
    path("programmes/<slug:slug>/people/", views.people, name="people"),
    path("programmes/<slug:slug>/people/<int:pk>/role/", views.change_member_role, name="change-role"),
    path("two-step-verification/code/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=StartPasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html", form_class=ChooseNewPasswordForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
