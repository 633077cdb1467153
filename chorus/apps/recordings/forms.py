from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.engagement.forms import RecordConversationForm
from chorus.apps.engagement.models import Activity

from .actions import RecordingInput

MENU_ACTIVITIES = 100


def recordable_activities(user, programmes: QuerySet) -> QuerySet[Activity]:
    """Activities `user` may add a recorded conversation to: all of the programme's for its analysts and
    administrators, their organisation's for partners, their own for connectors (most recent first)."""
    activities = Activity.objects.filter(programme__in=programmes).select_related("programme")
    if user.is_administrator:
        return activities
    allowed = Q(recorded_by=user)
    for held in user.roles_held():
        if held.programme_id is None:
            continue
        if held.role == Role.ANALYST:
            allowed |= Q(programme_id=held.programme_id)
        elif held.role == Role.PARTNER and held.organisation_id:
            allowed |= Q(programme_id=held.programme_id, partner_id=held.organisation_id)
    return activities.filter(allowed)


class RecordingForm(RecordConversationForm):
    """The conversation form (the same consents, ward and questions), with a recording for the words."""

    text = None  # the words come from the recording
    recording = forms.FileField(
        label="The recording",
        help_text="A wav, mp3, m4a or ogg file from your phone or recorder.",
        error_messages={
            "required": "Choose the recording to upload, or record the conversation here",
            "empty": "The recording is empty: it holds no sound. Check it plays, then upload it again",
        },
    )
    consent_recording = forms.BooleanField(
        label="The resident agrees to this conversation being recorded",
        help_text="Tell them the recording is written down by Chorus on its own computers, with names and "
        "numbers taken out, and that they can ask for it to be removed at any time.",
        error_messages={
            "required": "Ask the resident if they agree to being recorded. If not, write down what they said "
            "instead"
        },
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label="Which activity was it part of?",
        empty_label="A conversation of its own",
        help_text="For example a coffee morning or a listening event your organisation ran.",
    )

    # The order of the page, so the error summary lists problems from the top.
    field_order = ["submission_key", "programme", "consent_recording", "recording", "date", "activity"]

    def __init__(self, *args, programmes, user, **kwargs):
        super().__init__(*args, programmes=programmes, **kwargs)
        activities = recordable_activities(user, programmes)
        self.fields["activity"].queryset = activities  # the check: any of them
        # The menu: the most recent ones (an analyst's programme may hold thousands).
        self.activity_choices = list(activities.order_by("-date", "-id")[:MENU_ACTIVITIES])

    def clean(self):
        cleaned = super().clean()
        programme, activity = cleaned.get("programme"), cleaned.get("activity")
        if programme and activity and activity.programme_id != programme.pk:
            self.add_error("activity", f"{activity} is not an activity of {programme}")
        return cleaned

    def to_recording_input(self) -> RecordingInput:
        data = self.cleaned_data
        return RecordingInput(
            programme=data["programme"],
            date=data["date"],
            activity=data["activity"],
            ward=data["ward"],
            postcode_district=data["postcode_district"],
            consent_recording=bool(data["consent_recording"]),
            consent_analysis=data["consent_analysis"] == "yes",
            consent_quote=data["consent_quote"] == "yes",
            consent_open_data=data["consent_open_data"] == "yes",
            consent_recontact=data["consent_recontact"] == "yes",
            equality={name: data.get(name, "") for name in self.EQUALITY_FIELDS},
        )
