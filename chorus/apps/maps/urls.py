from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("", views.index, name="index"),
    path("programme/<slug:slug>/", views.map_list, name="list"),
    path("programme/<slug:slug>/new/", views.new_map, name="new"),
    path("programme/<slug:slug>/import/", views.import_map, name="import"),
    path("programme/<slug:slug>/combine/", views.combine_maps, name="combine"),
    path("programme/<slug:slug>/strengths/", views.strength_terms, name="strengths"),
    path("contribution/<int:contribution_pk>/code/", views.code_link, name="code-link"),
    path("<int:pk>/", views.map_detail, name="detail"),
    path("<int:pk>/factors/add/", views.add_factor, name="add-factor"),
    path("<int:pk>/factors/<int:factor_pk>/", views.edit_factor, name="edit-factor"),
    path("<int:pk>/factors/<int:factor_pk>/delete/", views.delete_factor, name="delete-factor"),
    path("<int:pk>/links/add/", views.add_link, name="add-link"),
    path("<int:pk>/links/<int:link_pk>/", views.edit_link, name="edit-link"),
    path("<int:pk>/links/<int:link_pk>/delete/", views.delete_link, name="delete-link"),
    path("<int:pk>/rebuild/", views.rebuild_map, name="rebuild"),
    path("<int:pk>/delete/", views.delete_map, name="delete"),
    path("<int:pk>/scenario/", views.scenario, name="scenario"),
    path("<int:pk>/leverage/", views.leverage, name="leverage"),
    path("<int:pk>/export/<str:fmt>", views.export, name="export"),
]
