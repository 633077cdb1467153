from __future__ import annotations

import re

from django import forms

from chorus.apps.core.forms import NhsukForm
from chorus.apps.engagement.models import Contribution
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Organisation

from .models import ActionStatus, BodyKind, Channel, Difference, Listened, Outcome, Proposal
from .queries import STATUS_FILTERS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DATE_WIDGET,
        error_messages={
            "invalid": "Enter a real date, for example 21/11/2026",
            "required": f"Enter {label.lower()}",
        },
    )


def _ids(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text or "")]


class PriorityEditForm(NhsukForm):
    title = forms.CharField(
        label="Priority", max_length=200, error_messages={"required": "Enter the priority"}
    )
    theme = forms.CharField(
        label="Theme",
        max_length=120,
        help_text="For example: damp and mould",
        error_messages={"required": "Enter the theme"},
    )
    summary = forms.CharField(
        label="What did residents say?",
        help_text="A few sentences, without names.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what residents said"},
    )
    is_public = forms.BooleanField(label="Show on the public “You said, we did” page", required=False)


class PriorityForm(PriorityEditForm):
    field_order = ["programme", "title", "theme", "summary", "words", "contribution_ids", "quote_ids"]
    programme = forms.ModelChoiceField(queryset=None, empty_label=None)
    words = forms.CharField(
        label="Supporting contributions: words to look for",
        required=False,
        help_text="Contributions in the programme containing any of these words are linked as evidence.",
    )
    contribution_ids = forms.CharField(
        label="Supporting contributions: numbers",
        required=False,
        help_text="Contribution numbers, separated by commas.",
    )
    quote_ids = forms.CharField(
        label="Contributions to quote (numbers)",
        required=False,
        help_text="Only residents who agreed to be quoted. Quotes are shown without names.",
    )

    def __init__(self, *args, programmes, contributions, **kwargs):
        super().__init__(*args, **kwargs)
        self.contributions = contributions  # what the user may see
        self.fields["programme"].queryset = programmes
        if programmes.count() == 1:
            self.fields["programme"].widget = forms.HiddenInput()
            self.initial.setdefault("programme", programmes.first())

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        if programme is None:
            return cleaned
        mine = self.contributions.filter(programme=programme)
        chosen = set(mine.filter(pk__in=_ids(cleaned.get("contribution_ids", ""))))
        missing = set(_ids(cleaned.get("contribution_ids", ""))) - {c.pk for c in chosen}
        if missing:
            self.add_error("contribution_ids", f"No contribution {', '.join(map(str, sorted(missing)))} here")
        for word in (cleaned.get("words") or "").replace(",", " ").split():
            chosen |= set(mine.filter(text__icontains=word))
        quotes = list(mine.filter(pk__in=_ids(cleaned.get("quote_ids", ""))))
        cleaned["contributions"], cleaned["quotes"] = sorted(chosen, key=lambda c: c.pk), quotes
        return cleaned


class EvidenceForm(NhsukForm):
    """Link and unlink supporting contributions, and choose quotes. Every choice is limited to the
    contributions in the priority's programme that the user may see."""

    add = forms.ModelMultipleChoiceField(
        label="Link as evidence", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    add_ids = forms.CharField(
        label="Or link contributions by number",
        required=False,
        help_text="Contribution numbers, separated by commas.",
    )
    remove = forms.ModelMultipleChoiceField(
        label="Unlink", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    quote = forms.ModelMultipleChoiceField(
        label="Quote", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    unquote = forms.ModelMultipleChoiceField(
        label="Stop quoting", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, priority, contributions, **kwargs):
        super().__init__(*args, **kwargs)
        mine = contributions.filter(programme=priority.programme)
        self.mine = mine
        linked = mine.filter(priorities=priority)
        self.fields["add"].queryset = mine.exclude(priorities=priority)
        self.fields["remove"].queryset = linked
        self.fields["quote"].queryset = linked.filter(consent_quote=True).exclude(
            quoted_in_priorities=priority
        )
        self.fields["unquote"].queryset = mine.filter(quoted_in_priorities=priority)

    def clean(self):
        cleaned = super().clean()
        wanted = set(_ids(cleaned.get("add_ids", "")))
        by_number = list(self.mine.filter(pk__in=wanted))
        missing = wanted - {c.pk for c in by_number}
        if missing:
            self.add_error(
                "add_ids", f"No contribution {', '.join(map(str, sorted(missing)))} you can see here"
            )
        cleaned["add"] = list(cleaned.get("add") or []) + [
            c for c in by_number if c not in (cleaned.get("add") or [])
        ]
        if not any(cleaned.get(name) for name in ("add", "remove", "quote", "unquote")) and not self.errors:
            raise forms.ValidationError("Choose contributions to link, unlink, quote or stop quoting")
        return cleaned


class DecisionBodyForm(NhsukForm):
    programme = forms.ModelChoiceField(queryset=None, empty_label=None)
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example: Southend Health and Wellbeing Board",
        error_messages={"required": "Enter the body's name"},
    )
    kind = forms.ChoiceField(
        label="What kind of body is it?",
        choices=BodyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of body it is"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation it belongs to (optional)",
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, programmes=None, **kwargs):
        """`programmes` to choose from for a new body; none when editing (a body stays in its programme)."""
        super().__init__(*args, **kwargs)
        if programmes is None:
            del self.fields["programme"]
            return
        self.fields["programme"].queryset = programmes
        if programmes.count() == 1:
            self.fields["programme"].widget = forms.HiddenInput()
            self.initial.setdefault("programme", programmes.first())


class ProposalForm(NhsukForm):
    title = forms.CharField(
        label="Proposal", max_length=200, error_messages={"required": "Enter the proposal"}
    )
    description = forms.CharField(
        label="What do residents propose?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe what residents propose"},
    )
    group = forms.CharField(
        label="Proposed by which group?",
        required=False,
        max_length=200,
        help_text="For example: Milton tenants",
    )
    contribution_id = forms.IntegerField(
        label="Or proposed by one resident: contribution number",
        required=False,
        help_text="Only if they agreed to be quoted. Their name is never shown.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
    )

    def __init__(self, *args, priority, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority = priority

    def clean_contribution_id(self):
        pk = self.cleaned_data.get("contribution_id")
        if pk is None:
            return None
        contribution = Contribution.objects.filter(pk=pk, programme=self.priority.programme).first()
        if contribution is None:
            raise forms.ValidationError("There is no contribution with that number in this programme")
        return contribution


class MeetingForm(NhsukForm):
    body = forms.ModelChoiceField(label="Decision body", queryset=None, empty_label=None)
    title = forms.CharField(
        label="Meeting", max_length=200, error_messages={"required": "Enter the meeting's name"}
    )
    date = _date("Date")
    location = forms.CharField(label="Where", max_length=200, required=False)
    priorities = forms.ModelMultipleChoiceField(
        label="Priorities on the agenda",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one priority for the agenda"},
    )
    proposals = forms.ModelMultipleChoiceField(
        label="Residents' proposals on the agenda",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A proposal goes on the agenda with its priority.",
    )

    def __init__(self, *args, bodies, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["priorities"].queryset = priorities
        self.fields["proposals"].queryset = Proposal.objects.filter(priority__in=priorities).select_related(
            "priority"
        )
        self.fields["proposals"].label_from_instance = lambda p: f"{p.title} (for “{p.priority.title}”)"

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("priorities") or [])
        strays = [p for p in cleaned.get("proposals") or [] if p.priority not in chosen]
        if strays and "priorities" not in self.errors:
            stray = strays[0]
            self.add_error(
                "proposals",
                f"Put “{stray.priority.title}” on the agenda too, or untick its proposal “{stray.title}”",
            )
        return cleaned


class DecisionForm(NhsukForm):
    outcome = forms.ChoiceField(
        label="What did the meeting decide?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the meeting decided"},
    )
    summary = forms.CharField(
        label="The decision in plain words",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the decision in plain words"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="Needed when declined or deferred.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referred_to = forms.CharField(label="Referred to", required=False, help_text="Needed when referred on.")
    proposal = forms.ModelChoiceField(
        label="Residents' proposal this decision answers", queryset=None, required=False, empty_label="None"
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="Choose an organisation",
    )
    due_date = _date("Due date", required=False)
    feedback_channel = forms.ChoiceField(
        label="How will residents hear what happened?", choices=Channel.choices, initial=Channel.PUBLIC_PAGE
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome in (Outcome.DECLINED, Outcome.DEFERRED) and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter the reason: residents are told why")
        if outcome == Outcome.REFERRED and not cleaned.get("referred_to", "").strip():
            self.add_error("referred_to", "Enter who it was referred to")
        if outcome == Outcome.ACCEPTED:
            if not cleaned.get("owner"):
                self.add_error("owner", "Choose who owns the accepted decision")
            if not cleaned.get("due_date") and "due_date" not in self.errors:
                self.add_error("due_date", "Enter when it is due")
        return cleaned


class ActionForm(NhsukForm):
    title = forms.CharField(
        label="What will be done?", max_length=200, error_messages={"required": "Enter what will be done"}
    )
    owner = forms.ModelChoiceField(
        label="Owning organisation",
        queryset=Organisation.objects.all(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the owning organisation"},
    )
    due_date = _date("Due date")


class ActionUpdateForm(NhsukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status"},
    )
    note = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what has happened"},
    )


class OweFeedbackForm(NhsukForm):
    channel = forms.ChoiceField(label="How will residents hear back?", choices=Channel.choices)


class SendFeedbackForm(NhsukForm):
    message = forms.CharField(
        label="What will residents be told?",
        help_text="No names. Email and text messages add a link asking whether they felt listened to.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write what residents will be told"},
    )


class RecipientForm(NhsukForm):
    contribution_id = forms.IntegerField(
        label="Contribution number",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
        error_messages={"required": "Enter the contribution number"},
    )
    contact = forms.CharField(
        label="Email address or mobile number",
        help_text="We email an address and text a mobile number. Kept encrypted, used only to tell them what "
        "happened, seen only by those who send feedback.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the email address or mobile number"},
    )


class FeedbackFilterForm(NhsukForm):
    channel = forms.ChoiceField(
        label="How",
        required=False,
        choices=[
            ("", "Any way"),
            (Channel.EMAIL, "Email"),
            (Channel.SMS, "Text message"),
            (Channel.NEWSLETTER, "Newsletter"),
            (Channel.EVENT, "Event"),
            (Channel.PUBLIC_PAGE, "Public page"),
        ],
    )
    status = forms.ChoiceField(
        label="When",
        required=False,
        choices=[("", "Any time")] + list(STATUS_FILTERS.items()),
    )
    activity = forms.CharField(
        label="Activity or decision",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class BulkSendForm(NhsukForm):
    message = forms.CharField(
        label="What will residents be told? (for any selected feedback without its own message)",
        required=False,
        help_text="No names. Email and text messages add a link asking whether they felt listened to.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssessmentForm(NhsukForm):
    listened = forms.ChoiceField(
        label="Did you feel listened to?",
        choices=Listened.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you felt listened to"},
    )
    difference = forms.TypedChoiceField(
        label="Did it make a difference?",
        choices=Difference.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it made a difference"},
    )
    comment = forms.CharField(
        label="Anything else you want to tell us? (optional)",
        required=False,
        help_text="Please do not include your name or anyone else's.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConnectorAssessmentForm(AssessmentForm):
    ward = forms.ModelChoiceField(
        label="Which ward do they live in?", queryset=None, required=False, empty_label="Not known"
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Area.objects.filter(
            level=Level.WARD, parent=programme.local_authority_id
        ).order_by("name")
