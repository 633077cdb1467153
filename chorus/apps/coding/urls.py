from django.urls import path

from . import discovery_views, views

app_name = "coding"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("contributions/<int:pk>/", views.contribution_codings, name="contribution"),
    path("<slug:slug>/", views.programme_home, name="programme"),
    path("<slug:slug>/codebooks/starter/", views.load_starter, name="load_starter"),
    path("<slug:slug>/codebooks/import/", views.import_codebook, name="import"),
    path("<slug:slug>/codebooks/<int:pk>/export.<str:fmt>", views.export_codebook, name="export"),
    path("<slug:slug>/themes/<int:pk>/", views.theme_edit, name="theme"),
    path("<slug:slug>/themes/<int:pk>/delete/", views.theme_delete, name="theme_delete"),
    path("<slug:slug>/code/", views.start_coding, name="start"),
    path("<slug:slug>/runs/<int:pk>/", views.run_detail, name="run"),
    path("<slug:slug>/review/", views.review_next, name="review_next"),
    path("<slug:slug>/review/<int:pk>/", views.review_contribution, name="review"),
    path("<slug:slug>/teach/", views.teach, name="teach"),
    path("<slug:slug>/emerging/", views.emerging, name="emerging"),
    path("<slug:slug>/emerging/find/", views.start_emerging, name="find_emerging"),
    path("<slug:slug>/emerging/<int:pk>/promote/", views.promote, name="promote"),
    path("<slug:slug>/discovery/", discovery_views.discovery_page, name="discovery"),
    path("<slug:slug>/discovery/find/", discovery_views.start_discovery, name="find_themes"),
    path("<slug:slug>/discovery/<int:pk>/edit/", discovery_views.edit_discovered, name="discovered_edit"),
    path("<slug:slug>/discovery/<int:pk>/merge/", discovery_views.merge_discovered, name="discovered_merge"),
    path(
        "<slug:slug>/discovery/<int:pk>/promote/",
        discovery_views.promote_discovered,
        name="discovered_promote",
    ),
    path("<slug:slug>/agreement/", views.agreement, name="agreement"),
    path("<slug:slug>/agreement/<int:pk>/", views.sample_detail, name="sample"),
    path("<slug:slug>/agreement/<int:pk>/code/", views.sample_code, name="sample_code"),
]
