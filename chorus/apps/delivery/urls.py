from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("", views.index, name="index"),
    path("safeguarding/", views.concerns, name="concerns"),
    path("safeguarding/raise/", views.raise_concern, name="raise-concern"),
    path("safeguarding/<int:pk>/", views.concern, name="concern"),
    path("<slug:programme>/", views.programme_overview, name="programme"),
    path("<slug:programme>/grants/", views.grants, name="grants"),
    path("<slug:programme>/partners/<slug:organisation>/", views.portal, name="portal"),
    path(
        "<slug:programme>/partners/<slug:organisation>/record/", views.record_activity, name="record-activity"
    ),
    path(
        "<slug:programme>/partners/<slug:organisation>/activities/<int:pk>/",
        views.activity_detail,
        name="activity",
    ),
    path("<slug:programme>/connectors/", views.connectors, name="connectors"),
    path("<slug:programme>/connectors/recruit/", views.recruit, name="recruit"),
    path("<slug:programme>/connectors/<int:pk>/", views.connector, name="connector"),
    path("<slug:programme>/connectors/<int:pk>/status/", views.change_status, name="change-status"),
    path("<slug:programme>/connectors/<int:pk>/training/", views.add_training, name="add-training"),
    path("<slug:programme>/connectors/<int:pk>/supervision/", views.add_supervision, name="add-supervision"),
    path("<slug:programme>/path/", views.path, name="path"),
    path("<slug:programme>/path/<int:pk>/", views.neighbourhood, name="neighbourhood"),
    path("<slug:programme>/path/<int:pk>/evidence/<int:step>/", views.step_evidence, name="step-evidence"),
    path("<slug:programme>/standards/", views.standards_page, name="standards"),
    path("<slug:programme>/standards/add/", views.add_assessment, name="add-assessment"),
    path("<slug:programme>/events/", views.events, name="events"),
    path("<slug:programme>/events/add/", views.add_event, name="add-event"),
    path("<slug:programme>/events/<int:pk>/", views.event_detail, name="event"),
]
