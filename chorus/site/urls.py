from django.contrib import admin
from django.urls import include, path

from chorus.apps.api.api import api as read_api

admin.site.site_header = "Chorus administration"
admin.site.site_title = "Chorus admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("chorus.apps.accounts.urls")),
    path("", include("chorus.apps.web.urls")),
    path("programmes/", include("chorus.apps.programmes.urls")),
    path("", include("chorus.apps.engagement.urls")),
    path("imports/", include("chorus.apps.imports.urls")),
    path("recordings/", include("chorus.apps.recordings.urls")),
    path("coding/", include("chorus.apps.coding.urls")),
    path("maps/", include("chorus.apps.maps.urls")),
    path("", include("chorus.apps.accountability.urls")),
    path("evaluation/", include("chorus.apps.evaluation.urls")),
    path("delivery/", include("chorus.apps.delivery.urls")),
    path("insight/", include("chorus.apps.insight.urls")),
    path("", include("chorus.apps.publishing.urls")),
    path("api/v1/", read_api.urls),
    path("api/", include("chorus.apps.api.urls")),
]
