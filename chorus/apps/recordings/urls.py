from django.urls import path

from . import views

app_name = "recordings"
urlpatterns = [
    path("", views.recording_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.recording_detail, name="recording"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/audio/", views.audio, name="audio"),
]
