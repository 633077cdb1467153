from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("programmes/<slug:slug>/reports/", views.report_list, name="reports"),
    path("programmes/<slug:slug>/reports/new/", views.report_new, name="report-new"),
    path("programmes/<slug:slug>/reports/<int:pk>/", views.report_detail, name="report"),
    path("programmes/<slug:slug>/reports/<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("programmes/<slug:slug>/reports/<int:pk>/retry/", views.report_retry, name="report-retry"),
    path("programmes/<slug:slug>/reports/<int:pk>/board-paper.docx", views.report_docx, name="report-docx"),
    path("programmes/<slug:slug>/board-story/", views.story, name="story"),
    path(
        "programmes/<slug:slug>/board-story/recommendations/",
        views.recommendation_add,
        name="recommendation-add",
    ),
    path(
        "programmes/<slug:slug>/board-story/recommendations/<int:pk>/remove/",
        views.recommendation_remove,
        name="recommendation-remove",
    ),
    path("public/<slug:slug>/", views.public_programme, name="public"),
    path("public/<slug:slug>/logo.png", views.public_logo, name="public-logo"),
    path("public/<slug:slug>/reports/<int:pk>/", views.public_report, name="public-report"),
    path("public/<slug:slug>/reports/<int:pk>/report.pdf", views.public_report_pdf, name="public-report-pdf"),
    path("public/<slug:slug>/open-data/datapackage.json", views.datapackage, name="datapackage"),
    path("public/<slug:slug>/open-data.zip", views.open_data_zip, name="open-data-zip"),
    path("public/<slug:slug>/open-data/<slug:table>.<str:extension>", views.open_data_file, name="open-data"),
]
