from django.urls import path

from . import feeds, views

app_name = "accountability"

urlpatterns = [
    path("priorities/", views.priority_list, name="priorities"),
    path("priorities/new/", views.priority_new, name="priority-new"),
    path("priorities/<int:pk>/", views.priority_detail, name="priority"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority-edit"),
    path("priorities/<int:pk>/evidence/", views.priority_evidence, name="priority-evidence"),
    path("priorities/<int:pk>/proposals/", views.proposal_new, name="proposal-new"),
    path("priorities/<int:pk>/actions/", views.action_new, name="action-new"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/decide/<int:priority_pk>/", views.decision_new, name="decision-new"),
    path("meetings/<int:pk>/board-pack/", views.board_pack, name="board-pack"),
    path("meetings/<int:pk>/board-pack.pdf", views.board_pack_pdf, name="board-pack-pdf"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("decision-bodies/", views.body_list, name="bodies"),
    path("decision-bodies/new/", views.body_new, name="body-new"),
    path("decision-bodies/<int:pk>/edit/", views.body_edit, name="body-edit"),
    path("feedback/", views.feedback_list, name="feedback"),
    path("feedback/plan/<int:activity_pk>/", views.feedback_plan, name="feedback-plan"),
    path("feedback/plan/", views.feedback_plan_many, name="feedback-plan-many"),
    path("feedback/send/", views.feedback_send_many, name="feedback-send-many"),
    path("feedback/sending/<int:pk>/", views.bulk_send, name="bulk-send"),
    path("feedback/recipients/new/", views.recipient_new, name="recipient-new"),
    path("feedback/assessments/", views.assessment_report, name="assessments"),
    path("feedback/<int:pk>/", views.feedback_item, name="feedback-item"),
    path("feedback/<int:pk>/assessments/new/", views.assessment_record, name="assessment-record"),
    path("have-your-say/thank-you/", views.have_your_say_thanks, name="have-your-say-thanks"),
    path("have-your-say/<str:token>/", views.have_your_say, name="have-your-say"),
    path("public/<slug:slug>/you-said-we-did/", views.you_said_we_did, name="you-said-we-did"),
    path("public/<slug:slug>/you-said-we-did/feed/", feeds.YouSaidWeDidFeed(), name="you-said-we-did-feed"),
]
