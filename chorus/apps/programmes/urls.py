from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("<slug:slug>/settings/", views.programme_settings, name="settings"),
]
