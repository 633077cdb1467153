from django.urls import path
from django.views.i18n import set_language

from . import translation_views, views

urlpatterns = [
    path("contributions/", views.contribution_list, name="contributions"),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution"),
    path("contributions/<int:pk>/withdraw/", views.withdraw_consent, name="withdraw-consent"),
    path(
        "contributions/<int:pk>/translation/",
        translation_views.request_translation,
        name="request-translation",
    ),
    path("contributions/<int:pk>/correct/", views.correct, name="correct"),
    path("record/", views.record_conversation, name="record"),
    path("record/saved/<int:pk>/", views.recorded, name="recorded"),
    path("record/activity/<int:activity>/", views.record_conversation, name="record-at"),
    path("record/send/", views.send_conversation, name="record-send"),
    path("record/activity/<int:activity>/send/", views.send_conversation, name="record-send-at"),
    path("record/token/", views.send_token, name="record-token"),
    path("record/service-worker.js", views.service_worker, name="record-service-worker"),
    path("record/manifest.webmanifest", views.web_manifest, name="record-manifest"),
    path("offline/", views.offline_page, name="offline"),
    path("record/language/", set_language, name="set-language"),
]
