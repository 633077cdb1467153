from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from chorus.apps.web.forms import NhsukBoundField


class SignInForm(AuthenticationForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your programme lead to reactivate it.",
    }


class StartPasswordResetForm(PasswordResetForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"


class ChooseNewPasswordForm(SetPasswordForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"
