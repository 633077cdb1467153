from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<slug:slug>/", views.programme_overview, name="programme"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
