from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.intervention_list, name="interventions"),
    path("<slug:programme>/<slug:slug>/", views.intervention_detail, name="intervention"),
    path("<slug:programme>/<slug:slug>/report/", views.report_html, name="report"),
    path("<slug:programme>/<slug:slug>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:programme>/<slug:slug>/import/", views.import_measurements, name="import"),
    path("<slug:programme>/<slug:slug>/case-studies/add/", views.add_case_study, name="add-case-study"),
]
