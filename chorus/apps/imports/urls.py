from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("batch/<int:pk>/", views.batch, name="batch"),
    path("batch/<int:pk>/columns/", views.columns, name="columns"),
    path("batch/<int:pk>/progress.json", views.progress, name="progress"),
    path("quarantine/<int:pk>/", views.quarantined_row, name="row"),
    path("quarantine/<int:pk>/erase/", views.erase_row, name="erase_row"),
    path("field/<int:source_id>/", views.field_post, name="field"),
    path("source/<int:pk>/columns/", views.source_mappings, name="source_mappings"),
    path("source/<int:pk>/columns/<int:mapping_pk>/", views.edit_mapping, name="edit_mapping"),
    path("original/<int:contribution_id>/", views.original_text, name="original"),
    path("<slug:slug>/", views.programme, name="programme"),
    path("<slug:slug>/upload/", views.upload, name="upload"),
    path("<slug:slug>/open-data.csv", views.open_data, name="open_data"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path("<slug:slug>/participants/<str:pseudonym>/erase/", views.erase, name="erase"),
]
