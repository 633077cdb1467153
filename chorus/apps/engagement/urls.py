from django.urls import path

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
]
