"""Insight pages. Each views module keeps its own routes beside its views: dashboard (contributions,
themes, trends, emerging issues), people (who we heard from) and places (place profiles)."""

from .views import dashboard, people, places

app_name = "insight"

urlpatterns = dashboard.urlpatterns + people.urlpatterns + places.urlpatterns
