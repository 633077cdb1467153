from __future__ import annotations

import io
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chorus.apps.accounts.throttle import client_ip
from chorus.apps.coding.models import Coding, CodingStatus, Theme
from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action
from chorus.apps.engagement.models import Activity
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.imports.models import Participant
from chorus.apps.programmes.models import Programme
from chorus.apps.programmes.rules import member_programmes
from chorus.privacy.disclosure import display_count, display_whole_percentage

from . import boardpack, deadlines, messaging, queries, reporting, tokens
from .actions.action_items import change_action, create_action, record_progress
from .actions.assessments import TooManyAnswers, record_assessment, record_open_link_answer
from .actions.feedback import (
    assessment_link,
    delivery_counts,
    owe_what_we_heard,
    plan_feedback,
    recipients,
    record_contact,
    send_feedback,
    start_bulk_send,
)
from .actions.meetings import (
    change_decision_body,
    change_meeting,
    create_decision_body,
    create_meeting,
    record_decision,
)
from .actions.priorities import (
    change_priority,
    change_proposal,
    create_priority,
    create_proposal,
    link_evidence,
)
from .actions.short_links import is_current, short_link_for, short_url
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AssessmentForm,
    BulkSendForm,
    ConnectorAssessmentForm,
    DecisionBodyForm,
    DecisionForm,
    EvidenceForm,
    FeedbackFilterForm,
    MeetingForm,
    OweFeedbackForm,
    PriorityEditForm,
    PriorityForm,
    ProposalForm,
    RecipientForm,
    SendFeedbackForm,
)
from .models import (
    PER_RESIDENT_SOURCES,
    Action,
    Assessment,
    AssessmentSource,
    BulkSend,
    DecisionBody,
    DeliveryStatus,
    FeedbackItem,
    Listened,
    Meeting,
    Priority,
    Proposal,
    ShortLink,
)
from .rules import managed_programmes


def _check(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise Http404 if not request.user.has_perm("accountability.view", obj) else PermissionDenied


def _rule(programme: Programme) -> str:
    return deadlines.RULE_TEXT.format(days=programme.feedback_days)


# Priorities and proposals


@login_required
def priority_list(request):
    programmes = member_programmes(request.user)
    priorities = (
        Priority.objects.filter(programme__in=programmes)
        .select_related("programme")
        .annotate(
            n_contributions=Count("contributions", distinct=True),
            n_decisions=Count("decisions", distinct=True),
            n_open_actions=Count("actions", filter=Q(actions__completed_on=None), distinct=True),
        )
    )
    return render(
        request,
        "accountability/priority_list.html",
        {"priorities": priorities, "can_create": managed_programmes(request.user).exists()},
    )


@login_required
def priority_new(request):
    programmes = managed_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = PriorityForm(
        request.POST or None, programmes=programmes, contributions=visible_contributions(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        priority = run_action(
            form,
            create_priority,
            by=request.user,
            programme=data["programme"],
            title=data["title"],
            theme=data["theme"],
            summary=data["summary"],
            contributions=data["contributions"],
            quotes=data["quotes"],
            is_public=data["is_public"],
        )
        if not form.errors:
            messages.success(
                request, f"Priority saved with {len(data['contributions'])} supporting contributions."
            )
            return redirect(priority)
    return render_form(request, "accountability/priority_form.html", {"form": form})


@login_required
def priority_detail(request, pk: int):
    priority = get_object_or_404(Priority.objects.select_related("programme"), pk=pk)
    _check(request, "accountability.view", priority)
    manages = request.user.has_perm("accountability.manage", priority)
    today = timezone.localdate()
    evidence = reporting.priority_evidence(priority)
    supporting = visible_contributions(request.user).filter(priorities=priority).select_related("ward")
    return render(
        request,
        "accountability/priority_detail.html",
        {
            "priority": priority,
            "manages": manages,
            "evidence": evidence if manages else None,
            "released": evidence.released(),
            "supporting": supporting[:50],
            "supporting_total": supporting.count(),
            "quotes": reporting.quotes(priority),
            "proposals": priority.proposals.all(),
            "decisions": priority.decisions.select_related("meeting__body", "owner", "proposal"),
            "actions": [(a, a.deadline(today)) for a in priority.actions.select_related("owner")],
            "proposal_form": ProposalForm(priority=priority) if manages else None,
            "action_form": ActionForm() if manages else None,
        },
    )


def _managed_priority(request, pk: int) -> Priority:
    priority = get_object_or_404(Priority.objects.select_related("programme"), pk=pk)
    _check(request, "accountability.manage", priority)
    return priority


@login_required
def priority_edit(request, pk: int):
    priority = _managed_priority(request, pk)
    initial = {f: getattr(priority, f) for f in ("title", "theme", "summary", "is_public")}
    form = PriorityEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        run_action(form, change_priority, by=request.user, priority=priority, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Priority updated.")
            return redirect(priority)
    return render_form(
        request,
        "accountability/simple_form.html",
        {"form": form, "title": f"Edit “{priority}”", "button": "Save changes", "back": priority},
    )


EVIDENCE_PAGE_SIZE = 50


@login_required
def priority_evidence(request, pk: int):
    """Search the programme's contributions and link them to the priority; unlink, quote, stop quoting."""
    priority = _managed_priority(request, pk)
    visible = visible_contributions(request.user).select_related("ward")
    data = request.POST if request.method == "POST" else None
    form = EvidenceForm(data, priority=priority, contributions=visible)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = run_action(
            form,
            link_evidence,
            by=request.user,
            priority=priority,
            add=data["add"],
            remove=data["remove"],
            quote=data["quote"],
            unquote=data["unquote"],
        )
        if not form.errors:
            messages.success(
                request,
                f"Evidence updated: {change.added} linked, {change.removed} unlinked, "
                f"{change.quoted} quoted, {change.unquoted} no longer quoted.",
            )
            return redirect("accountability:priority-evidence", pk=priority.pk)
    source = request.POST if request.method == "POST" else request.GET
    words = (source.get("q") or "").strip()
    themes = Theme.objects.filter(codebook__programme=priority.programme).select_related("codebook")
    theme = themes.filter(pk=source.get("theme")).first() if source.get("theme", "").isdigit() else None
    found = form.fields["add"].queryset
    if words:
        matching = Q()
        for word in words.replace(",", " ").split():
            matching |= Q(text__icontains=word)
        found = found.filter(matching)
    if theme is not None:
        coded = Coding.objects.filter(theme=theme, current=True).exclude(status=CodingStatus.REJECTED)
        found = found.filter(pk__in=coded.values("contribution_id"))
    searched = bool(words) or theme is not None
    linked = Paginator(form.fields["remove"].queryset.order_by("pk"), EVIDENCE_PAGE_SIZE)
    quoted = set(form.fields["unquote"].queryset.values_list("pk", flat=True))
    quotable = set(form.fields["quote"].queryset.values_list("pk", flat=True))
    return render_form(
        request,
        "accountability/priority_evidence.html",
        {
            "form": form,
            "priority": priority,
            "words": words,
            "themes": themes,
            "theme": theme,
            "searched": searched,
            "found": found.order_by("pk")[:EVIDENCE_PAGE_SIZE] if searched else [],
            "found_total": found.count() if searched else 0,
            "linked": linked.get_page(request.GET.get("page")),
            "quoted": quoted,
            "quotable": quotable,
            "ticked": {
                name: {str(pk) for pk in form[name].value() or []}
                for name in ("add", "remove", "quote", "unquote")
            },
        },
    )


@login_required
@require_POST
def proposal_new(request, pk: int):
    priority = get_object_or_404(Priority, pk=pk)
    _check(request, "accountability.manage", priority)
    form = ProposalForm(request.POST, priority=priority)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            form,
            create_proposal,
            by=request.user,
            priority=priority,
            title=data["title"],
            description=data["description"],
            group=data["group"],
            contribution=data["contribution_id"],
        )
        if not form.errors:
            messages.success(request, "Proposal added.")
            return redirect(priority)
    return render_form(
        request,
        "accountability/simple_form.html",
        {
            "form": form,
            "title": f"Add a proposal to “{priority}”",
            "button": "Add proposal",
            "back": priority,
        },
    )


@login_required
def proposal_edit(request, pk: int):
    proposal = get_object_or_404(Proposal.objects.select_related("priority__programme"), pk=pk)
    priority = proposal.priority
    _check(request, "accountability.manage", priority)
    initial = {
        "title": proposal.title,
        "description": proposal.description,
        "group": proposal.proposed_by_group,
        "contribution_id": proposal.contribution_id,
    }
    form = ProposalForm(request.POST or None, priority=priority, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_action(
            form,
            change_proposal,
            by=request.user,
            proposal=proposal,
            title=data["title"],
            description=data["description"],
            group=data["group"],
            contribution=data["contribution_id"],
        )
        if not form.errors:
            messages.success(request, "Proposal updated.")
            return redirect(priority)
    return render_form(
        request,
        "accountability/simple_form.html",
        {
            "form": form,
            "title": f"Edit the proposal “{proposal}”",
            "button": "Save changes",
            "back": priority,
        },
    )


@login_required
@require_POST
def action_new(request, pk: int):
    priority = get_object_or_404(Priority, pk=pk)
    _check(request, "accountability.manage", priority)
    form = ActionForm(request.POST)
    if form.is_valid():
        action = run_action(form, create_action, by=request.user, priority=priority, **form.cleaned_data)
        if action is not None:
            messages.success(request, "Action added.")
            return redirect(action)
    return render_form(
        request,
        "accountability/simple_form.html",
        {"form": form, "title": f"Add an action to “{priority}”", "button": "Add action", "back": priority},
    )


@login_required
def action_edit(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("priority__programme"), pk=pk)
    _check(request, "accountability.manage", action.priority)
    initial = {"title": action.title, "owner": action.owner, "due_date": action.due_date}
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        run_action(form, change_action, by=request.user, action=action, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Action updated.")
            return redirect(action)
    return render_form(
        request,
        "accountability/simple_form.html",
        {"form": form, "title": f"Edit “{action}”", "button": "Save changes", "back": action},
    )


# Decision bodies


@login_required
def body_list(request):
    bodies = (
        DecisionBody.objects.filter(programme__in=member_programmes(request.user))
        .select_related("programme", "organisation")
        .annotate(n_meetings=Count("meetings"))
    )
    managed = set(managed_programmes(request.user).values_list("pk", flat=True))
    return render(
        request,
        "accountability/body_list.html",
        {"bodies": [(b, b.programme_id in managed) for b in bodies], "can_create": bool(managed)},
    )


@login_required
def body_new(request):
    programmes = managed_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = DecisionBodyForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        run_action(form, create_decision_body, by=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, f"{form.cleaned_data['name']} added. You can now add its meetings.")
            return redirect("accountability:bodies")
    return render_form(
        request,
        "accountability/simple_form.html",
        {"form": form, "title": "Add a decision body", "button": "Save decision body", "back": None},
    )


@login_required
def body_edit(request, pk: int):
    body = get_object_or_404(DecisionBody.objects.select_related("programme"), pk=pk)
    _check(request, "accountability.manage", body)
    form = DecisionBodyForm(
        request.POST or None,
        initial={"name": body.name, "kind": body.kind, "organisation": body.organisation},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_action(
            form,
            change_decision_body,
            by=request.user,
            body=body,
            name=data["name"],
            kind=data["kind"],
            organisation=data["organisation"],
        )
        if not form.errors:
            messages.success(request, f"{body.name} updated.")
            return redirect("accountability:bodies")
    return render_form(
        request,
        "accountability/simple_form.html",
        {"form": form, "title": f"Edit {body.name}", "button": "Save changes", "back": None},
    )


# Meetings and decisions


@login_required
def meeting_list(request):
    meetings = (
        Meeting.objects.filter(body__programme__in=member_programmes(request.user))
        .select_related("body__programme")
        .annotate(
            n_items=Count("agenda_priorities", distinct=True), n_decisions=Count("decisions", distinct=True)
        )
    )
    return render(
        request,
        "accountability/meeting_list.html",
        {"meetings": meetings, "can_create": managed_programmes(request.user).exists()},
    )


def _meeting_form(request, programmes, **kwargs) -> MeetingForm:
    return MeetingForm(
        request.POST or None,
        bodies=DecisionBody.objects.filter(programme__in=programmes).select_related("programme"),
        priorities=Priority.objects.filter(programme__in=programmes).select_related("programme"),
        **kwargs,
    )


@login_required
def meeting_new(request):
    programmes = managed_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = _meeting_form(request, programmes)
    if request.method == "POST" and form.is_valid():
        meeting = run_action(form, create_meeting, by=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Meeting added.")
            return redirect(meeting)
    return render_form(
        request,
        "accountability/meeting_form.html",
        {"form": form, "meeting": None, "has_bodies": form.fields["body"].queryset.exists()},
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = _meeting(request, pk)
    _check(request, "accountability.manage", meeting.body)
    form = _meeting_form(
        request,
        Programme.objects.filter(pk=meeting.body.programme_id),
        initial={
            "body": meeting.body,
            "title": meeting.title,
            "date": meeting.date,
            "location": meeting.location,
            "priorities": list(meeting.agenda_priorities.all()),
            "proposals": list(meeting.agenda_proposals.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        run_action(form, change_meeting, by=request.user, meeting=meeting, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Meeting updated.")
            return redirect(meeting)
    return render_form(
        request, "accountability/meeting_form.html", {"form": form, "meeting": meeting, "has_bodies": True}
    )


def _meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__programme"), pk=pk)
    _check(request, "accountability.view", meeting.body)
    return meeting


@login_required
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    decisions = meeting.decisions.select_related("owner", "proposal")
    agenda = [
        (priority, [d for d in decisions if d.priority_id == priority.pk])
        for priority in meeting.agenda_priorities.all()
    ]
    return render(
        request,
        "accountability/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "proposals": meeting.agenda_proposals.all(),
            "manages": request.user.has_perm("accountability.manage", meeting.body),
        },
    )


@login_required
def decision_new(request, pk: int, priority_pk: int):
    meeting = _meeting(request, pk)
    _check(request, "accountability.manage", meeting.body)
    priority = get_object_or_404(meeting.agenda_priorities, pk=priority_pk)
    form = DecisionForm(request.POST or None, proposals=priority.proposals.all())
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            record_decision,
            by=request.user,
            meeting=meeting,
            priority=priority,
            **form.cleaned_data,
        )
        if not form.errors:
            messages.success(request, f"Decision on “{priority}” recorded. Residents are owed what happened.")
            return redirect(meeting)
    return render_form(
        request,
        "accountability/decision_form.html",
        {"form": form, "meeting": meeting, "priority": priority, "rule": _rule(meeting.body.programme)},
    )


@login_required
def board_pack(request, pk: int):
    meeting = _meeting(request, pk)
    html = boardpack.render_html(meeting, today=timezone.localdate())
    return HttpResponse(html)


@login_required
def board_pack_pdf(request, pk: int):
    meeting = _meeting(request, pk)
    pdf = boardpack.render_pdf(meeting, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="board-pack-{meeting.date:%Y-%m-%d}.pdf"'
    return response


# Actions


@login_required
def action_list(request):
    today = timezone.localdate()
    rows = [
        (action, action.deadline(today))
        for action in Action.objects.filter(
            priority__programme__in=member_programmes(request.user)
        ).select_related("owner", "priority__programme")
    ]
    only_overdue = request.GET.get("show") == "overdue"
    if only_overdue:
        rows = [(a, d) for a, d in rows if d.overdue]
    return render(
        request,
        "accountability/action_list.html",
        {"rows": rows, "only_overdue": only_overdue, "overdue": sum(d.overdue for _, d in rows)},
    )


@login_required
def action_detail(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("priority__programme", "owner"), pk=pk)
    _check(request, "accountability.view", action.priority)
    manages = request.user.has_perm("accountability.manage", action.priority)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status}) if manages else None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            run_action(
                form,
                record_progress,
                by=request.user,
                action=action,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
            if not form.errors:
                messages.success(request, "Progress recorded.")
                return redirect(action)
    return render(
        request,
        "accountability/action_detail.html",
        {
            "action": action,
            "deadline": action.deadline(timezone.localdate()),
            "updates": action.updates.select_related("by"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


# Feedback owed to residents


FEEDBACK_PAGE_SIZE = 50
UNPLANNED_PAGE_SIZE = 25


@login_required
def feedback_list(request):
    """Feedback owed: overdue first, grouped by due date and activity, filtered, sent in bulk."""
    today = timezone.localdate()
    programmes = member_programmes(request.user)
    programme_ids = list(programmes.values_list("pk", flat=True))
    managed = set(managed_programmes(request.user).values_list("pk", flat=True))
    filters = FeedbackFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    owed = queries.owed_items(
        programme_ids,
        today,
        channel=chosen.get("channel", ""),
        status=chosen.get("status", ""),
        activity=chosen.get("activity", ""),
    )
    page = Paginator(owed, FEEDBACK_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    unplanned = queries.unplanned_activities(programme_ids, today)
    unplanned_page = Paginator(unplanned, UNPLANNED_PAGE_SIZE).get_page(request.GET.get("unplanned"))
    sent = list(
        FeedbackItem.objects.filter(programme_id__in=programme_ids)
        .exclude(sent_on=None)
        .select_related("programme")
        .order_by("-sent_on", "-id")[:30]
    )
    counts = delivery_counts(item.pk for item in sent)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accountability/feedback_list.html",
        {
            "filters": filters,
            "filtered": any(chosen.values()),
            "page": page,
            "groups": queries.group_owed(items, today, queries.residents_to_reach(items)),
            "owed_total": page.paginator.count,
            "overdue_total": FeedbackItem.objects.filter(
                programme_id__in=programme_ids, sent_on=None, due_date__lt=today
            ).count(),
            "unplanned_page": unplanned_page,
            "unplanned": [_unplanned_row(a, today) for a in unplanned_page.object_list],
            "sent": [(item, counts.get(item.pk, {})) for item in sent],
            "bulk_sends": BulkSend.objects.filter(by=request.user).exclude(status="finished")[:5]
            if request.user.is_authenticated
            else [],
            "rules": sorted({_rule(p) for p in programmes}),
            "plan_form": OweFeedbackForm(),
            "bulk_form": BulkSendForm(),
            "manages": bool(managed),
            "managed": managed,
            "missing_providers": messaging.missing_providers(),
            "query": query.urlencode(),
        },
    )


def _unplanned_row(activity: Activity, today) -> tuple[Activity, deadlines.Deadline, str, str]:
    due = deadlines.feedback_due(activity.date, activity.programme.feedback_days)
    held = f"{activity.date.day} {activity.date:%b %Y}"
    return activity, deadlines.Deadline(due, None, today), held, deadlines.day_label(due)


@login_required
@require_POST
def feedback_plan(request, activity_pk: int):
    activity = get_object_or_404(Activity.objects.select_related("programme"), pk=activity_pk)
    _check(request, "accountability.manage", activity.programme)
    form = OweFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how residents will hear back.")
        return redirect("accountability:feedback")
    item = owe_what_we_heard(by=request.user, activity=activity, channel=form.cleaned_data["channel"])
    return redirect(item)


def _selected_ids(request, name: str) -> list[int]:
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


@login_required
@require_POST
def feedback_plan_many(request):
    """Plan "what we heard" for every selected activity with one channel."""
    programmes = managed_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = OweFeedbackForm(request.POST)
    activities = Activity.objects.filter(
        pk__in=_selected_ids(request, "activities"), programme__in=programmes
    ).select_related("programme")
    if not form.is_valid():
        messages.error(request, "Choose how residents will hear back.")
        return redirect("accountability:feedback")
    try:
        planned = plan_feedback(by=request.user, activities=activities, channel=form.cleaned_data["channel"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Feedback planned for {len(planned):,} activit{'y' if len(planned) == 1 else 'ies'}."
        )
    return redirect("accountability:feedback")


@login_required
@require_POST
def feedback_send_many(request):
    """Send the selected feedback (or every item matching the filters) as one piece of background work."""
    programmes = managed_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = BulkSendForm(request.POST)
    form.is_valid()
    if request.POST.get("all_matching") == "yes":
        filters = FeedbackFilterForm(request.POST)
        chosen = filters.cleaned_data if filters.is_valid() else {}
        items = queries.owed_items(
            list(programmes.values_list("pk", flat=True)),
            timezone.localdate(),
            channel=chosen.get("channel", ""),
            status=chosen.get("status", ""),
            activity=chosen.get("activity", ""),
        )
    else:
        items = FeedbackItem.objects.filter(
            pk__in=_selected_ids(request, "items"), programme__in=programmes, sent_on=None
        ).select_related("programme")
    try:
        bulk = start_bulk_send(
            by=request.user,
            items=items,
            message=form.cleaned_data.get("message", ""),
            base_url=request.build_absolute_uri("/"),
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("accountability:feedback")
    return redirect(bulk)


@login_required
def bulk_send(request, pk: int):
    """Progress of a bulk send (the page refreshes itself until it has finished)."""
    bulk = get_object_or_404(BulkSend, pk=pk, by=request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "done": bulk.done,
                "total": bulk.total,
                "percent": bulk.percent,
                "status": bulk.get_status_display(),
                "finished": bulk.status == "finished",
            }
        )
    items = FeedbackItem.objects.in_bulk(bulk.item_ids)
    refused = [(items.get(item_id), reason) for item_id, reason in bulk.refused]
    counts = delivery_counts(bulk.item_ids)
    totals = {
        status: sum(c.get(status, 0) for c in counts.values())
        for status in ("queued", "sent", "delivered", "failed")
    }
    return render(
        request,
        "accountability/bulk_send.html",
        {"bulk": bulk, "refused": refused, "totals": totals, "refresh": bulk.status != "finished"},
    )


def _feedback(request, pk: int) -> FeedbackItem:
    item = get_object_or_404(
        FeedbackItem.objects.select_related(
            "programme", "activity", "decision__priority", "decision__meeting"
        ),
        pk=pk,
    )
    _check(request, "accountability.view", item.programme)
    return item


@login_required
def feedback_item(request, pk: int):
    item = _feedback(request, pk)
    manages = request.user.has_perm("accountability.manage", item.programme)
    form = SendFeedbackForm(request.POST or None, initial={"message": item.message}) if manages else None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            sent = run_action(
                form,
                send_feedback,
                by=request.user,
                item=item,
                message=form.cleaned_data["message"],
                now=timezone.now(),
                base_url=request.build_absolute_uri("/"),
            )
            if not form.errors:
                messages.success(
                    request,
                    f"Feedback marked as sent. {sent.queued:,} message{'' if sent.queued == 1 else 's'} "
                    "to residents are being sent in the background; this page shows what happens to them."
                    if sent.queued
                    else "Feedback marked as sent.",
                )
                return redirect(item)
    report = reporting.assessment_report(item.assessments.all())
    messaged = item.channel in ("email", "sms")
    return render(
        request,
        "accountability/feedback_item.html",
        {
            "item": item,
            "deadline": item.deadline(timezone.localdate()),
            "rule": _rule(item.programme),
            "form": form,
            "counts": delivery_counts([item.pk]).get(item.pk, {}),
            "messaged": messaged,
            "owed_to": recipients(item).count() if messaged else None,
            "contacts": _contacts(item) if manages and messaged else None,
            "missing_provider": messaging.MISSING[item.channel]
            if messaged and not messaging.provider_for(item.channel)
            else "",
            "summary": [row.released() for row in report["All"]],
            "general_link": assessment_link(item, None, request.build_absolute_uri("/"))
            if item.sent_on
            else "",
            "can_record": request.user.has_perm("accountability.record_assessment", item.programme),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _contacts(item: FeedbackItem) -> list[tuple[Participant, str, str]]:
    """For those who send feedback only: who will be messaged, how, and what happened to their message."""
    statuses = dict(item.deliveries.values_list("participant_id", "status"))
    labels = dict(DeliveryStatus.choices)
    return [
        (p, p.contact, labels.get(statuses.get(p.pk), "Not sent yet"))
        for p in recipients(item).order_by("pseudonym")[:200]
    ]


@login_required
def recipient_new(request):
    form = RecipientForm(request.POST or None, initial={"contribution_id": request.GET.get("contribution")})
    if request.method == "POST" and form.is_valid():
        contribution = (
            visible_contributions(request.user).filter(pk=form.cleaned_data["contribution_id"]).first()
        )
        if contribution is None:
            form.add_error("contribution_id", "There is no contribution with that number that you can see")
        elif not request.user.has_perm("accountability.manage", contribution.programme):
            form.add_error("contribution_id", "Only those who send feedback keep residents' contact details")
        else:
            run_action(
                form,
                record_contact,
                by=request.user,
                contribution=contribution,
                contact=form.cleaned_data["contact"],
            )
            if not form.errors:
                messages.success(request, "Saved. They will hear what happened.")
                return redirect("accountability:feedback")
    return render_form(
        request,
        "accountability/simple_form.html",
        {"form": form, "title": "Add how a resident wants to hear back", "button": "Save", "back": None},
    )


@login_required
def assessment_record(request, pk: int):
    item = _feedback(request, pk)
    _check(request, "accountability.record_assessment", item.programme)
    form = ConnectorAssessmentForm(request.POST or None, programme=item.programme)
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            record_assessment,
            feedback=item,
            now=timezone.now(),
            source=AssessmentSource.CONNECTOR,
            by=request.user,
            **form.cleaned_data,
        )
        if not form.errors:
            messages.success(request, "Their answer is saved. Thank you.")
            return redirect(item)
    return render_form(request, "accountability/assessment_record.html", {"form": form, "item": item})


@login_required
def assessment_report(request):
    programmes = member_programmes(request.user)
    chosen = programmes.filter(slug=request.GET.get("programme")).first()
    assessments = Assessment.objects.filter(feedback__programme__in=[chosen] if chosen else programmes)
    report = reporting.assessment_report(assessments)
    return render(
        request,
        "accountability/assessment_report.html",
        {
            "programmes": programmes,
            "chosen": chosen,
            "tables": {title: [row.released() for row in rows] for title, rows in report.items()},
        },
    )


@login_required
def feedback_leaflet(request, pk: int):
    """The open "have your say" link to print on leaflets and posters: short code, short link, QR code."""
    item = _feedback(request, pk)
    if not item.sent_on:
        messages.info(request, "The link to print is ready once the feedback has been sent.")
        return redirect(item)
    link = short_link_for(item)
    url = short_url(link, request.build_absolute_uri("/"))
    if request.GET.get("download") == "svg":
        response = HttpResponse(qr_svg(url, standalone=True), content_type="image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="have-your-say-{link.code}.svg"'
        return response
    return render(
        request,
        "accountability/feedback_leaflet.html",
        {
            "item": item,
            "code": tokens.formatted_code(link.code),
            "url": url,
            "entry_url": request.build_absolute_uri(reverse("accountability:short-code")),
            "qr": qr_svg(url),
            "expires": timezone.localtime(link.created_at).date() + timedelta(days=tokens.link_days()),
        },
    )


def qr_svg(url: str, *, standalone: bool = False) -> str:
    """A QR code of `url` as SVG: inline (a title for screen readers) or as a file to give a printer."""
    import segno

    code = segno.make(url, error="m", micro=False)
    if standalone:
        buffer = io.BytesIO()
        code.save(buffer, kind="svg", scale=10, border=4)
        return buffer.getvalue().decode()
    return code.svg_inline(scale=6, border=4, title=f"QR code for {url}", svgclass="accountability-qr")


# Residents: the short link form (no sign-in)


def _bad_link(request, problem: str):
    return render(
        request,
        "accountability/have_your_say_bad_link.html",
        {"problem": problem, "days": tokens.link_days()},
        status=404,
    )


def have_your_say(request, token: str):
    try:
        key = tokens.read_token(token)
    except tokens.BadLink as error:
        return _bad_link(request, str(error))
    return _have_your_say(request, key)


def short_link(request, code: str):
    """/h/K7P2Q: the short link from a leaflet, a QR code or a text message."""
    cleaned = tokens.clean_code(code)
    found = ShortLink.objects.filter(code=cleaned).first() if cleaned else None
    if found is None:
        return _bad_link(request, "This link is not right.")
    if not is_current(found):
        return _bad_link(request, "This link has expired.")
    return _have_your_say(request, tokens.AssessmentKey(found.feedback_id, found.participant_id))


def short_code(request):
    """/h/: where a resident types the code printed on a leaflet."""
    typed = request.GET.get("code", "")
    problem = ""
    if "code" in request.GET:
        code = tokens.clean_code(typed)
        if code and ShortLink.objects.filter(code=code).exists():
            return redirect("accountability:short-link", code)
        problem = (
            "Enter the code from your leaflet or message, like K7P2Q"
            if not typed.strip()
            else "There is no link with that code. Check it against your leaflet: codes use the numbers 2 "
            "to 9 and letters, never 0, 1, I, L, O, U or V."
        )
    return render(
        request,
        "accountability/have_your_say_code.html",
        {"typed": typed, "problem": problem},
        status=404 if problem and typed.strip() else 400 if problem else 200,
    )


def _have_your_say(request, key: tokens.AssessmentKey):
    item = FeedbackItem.objects.select_related("programme").filter(pk=key.feedback_id).first()
    if item is None or item.sent_on is None:
        return _bad_link(request, "This link is not right.")
    form = AssessmentForm(request.POST or None)
    if key.participant_id is None:
        return _open_link_answer(request, item, form)
    participant = Participant.objects.filter(pk=key.participant_id, programme=item.programme_id).first()
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            record_assessment,
            feedback=item,
            now=timezone.now(),
            source=AssessmentSource.LINK,
            participant=participant,
            by=None,  # the resident answers through their link, not signed in
            **form.cleaned_data,
        )
        if not form.errors:
            return redirect("accountability:have-your-say-thanks")
    return render_form(request, "accountability/have_your_say.html", {"form": form, "item": item})


OPEN_ANSWER_COOKIE = "chorus_open_answer_{}"
OPEN_ANSWER_SALT = "chorus.accountability.open-answer"


def _open_link_answer(request, item: FeedbackItem, form: AssessmentForm):
    """The open link (not tied to a resident): one answer per browser, limited per address and per link."""
    cookie = OPEN_ANSWER_COOKIE.format(item.pk)
    earlier = request.get_signed_cookie(cookie, default=None, salt=OPEN_ANSWER_SALT)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment = record_open_link_answer(
                feedback=item,
                now=timezone.now(),
                address=client_ip(request) or "",
                earlier=int(earlier) if earlier and str(earlier).isdigit() else None,
                by=None,
                **form.cleaned_data,
            )
        except TooManyAnswers as error:
            form.add_error(None, error.message)
            status = 429
        else:
            response = redirect("accountability:have-your-say-thanks")
            response.set_signed_cookie(
                cookie,
                str(assessment.pk),
                salt=OPEN_ANSWER_SALT,
                max_age=tokens.link_days() * 24 * 60 * 60,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    return render(
        request,
        "accountability/have_your_say.html",
        {"form": form, "item": item, "open_link": True},
        status=400 if status == 200 and form.errors else status,
    )


def have_your_say_thanks(request):
    return render(request, "accountability/have_your_say_thanks.html")


# The public page


def you_said_we_did(request, slug: str):
    programme = queries.public_programme(slug)
    today = timezone.localdate()
    priorities = [
        {
            "priority": priority,
            "evidence": reporting.priority_evidence(priority).released(),
            "quotes": reporting.quotes(priority, limit=3),
            "decisions": list(priority.decisions.all()),
            "actions": [(a, a.deadline(today)) for a in priority.actions.all()],
            "proposals": list(priority.proposals.all()),
        }
        for priority in queries.public_priorities(programme)
    ]
    all_answers = Assessment.objects.filter(feedback__programme=programme)
    # Residents' own links and connectors: one answer per person. The open link's answers are shown apart.
    assessments = all_answers.filter(source__in=PER_RESIDENT_SOURCES)
    answered = assessments.count()
    open_answers = all_answers.filter(source=AssessmentSource.OPEN_LINK)
    open_answered = open_answers.count()
    return render(
        request,
        "accountability/you_said_we_did.html",
        {
            "programme": programme,
            "priorities": priorities,
            "answered": display_count(answered),
            "listened_percent": display_whole_percentage(
                assessments.filter(listened=Listened.YES).count(), answered
            ),
            "empowered_percent": display_whole_percentage(
                assessments.filter(difference__gte=1).count(), answered
            ),
            "open_answered": display_count(open_answered),
            "open_listened_percent": display_whole_percentage(
                open_answers.filter(listened=Listened.YES).count(), open_answered
            ),
            "open_empowered_percent": display_whole_percentage(
                open_answers.filter(difference__gte=1).count(), open_answered
            ),
            "feedback_sent": display_count(
                FeedbackItem.objects.filter(programme=programme).exclude(sent_on=None).count()
            ),
        },
    )
