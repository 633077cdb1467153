"""`manage.py check --deploy`: say when residents cannot be sent their feedback, instead of pretending."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

from . import messaging
from .models import Channel


@register(Tags.security, deploy=True)
def check_message_providers(app_configs, **kwargs):
    found = []
    for channel, sentence in messaging.MISSING.items():
        if not messaging.provider_for(channel):
            found.append(
                Warning(
                    sentence,
                    hint="Set NOTIFY_API_KEY with NOTIFY_SMS_TEMPLATE_ID and NOTIFY_EMAIL_TEMPLATE_ID "
                    "(GOV.UK Notify), or EMAIL_BACKEND and EMAIL_HOST for email by SMTP.",
                    id=f"chorus.W_MESSAGES_{'SMS' if channel == Channel.SMS else 'EMAIL'}",
                )
            )
    key = getattr(settings, "NOTIFY_API_KEY", "")
    if key:
        try:
            messaging.notify.ApiKey.parse(key)
        except ValueError as error:
            found.append(
                Warning(str(error), hint="Copy the whole key from Notify.", id="chorus.W_NOTIFY_KEY")
            )
    return found
