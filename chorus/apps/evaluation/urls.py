from django.urls import path

from . import views

app_name = "evaluation"

EVALUATION = "<slug:programme>/<slug:slug>/"

urlpatterns = [
    path("", views.intervention_list, name="interventions"),
    path("new/", views.new_intervention, name="new"),
    path(EVALUATION, views.intervention_detail, name="intervention"),
    path(f"{EVALUATION}report/", views.report_html, name="report"),
    path(f"{EVALUATION}report.pdf", views.report_pdf, name="report-pdf"),
    path(f"{EVALUATION}report.xlsx", views.report_xlsx, name="report-xlsx"),
    path(f"{EVALUATION}public/", views.public_report_html, name="public-report"),
    path(f"{EVALUATION}public.pdf", views.public_report_pdf, name="public-report-pdf"),
    path(f"{EVALUATION}public.xlsx", views.public_report_xlsx, name="public-report-xlsx"),
    path(f"{EVALUATION}import/", views.import_measurements, name="import"),
    path(f"{EVALUATION}manage/", views.manage, name="manage"),
    path(f"{EVALUATION}edit/", views.edit_intervention, name="edit"),
    path(f"{EVALUATION}partners/add/", views.add_partner, name="add-partner"),
    path(f"{EVALUATION}partners/<int:pk>/", views.edit_partner, name="edit-partner"),
    path(f"{EVALUATION}partners/<int:pk>/remove/", views.remove_partner, name="remove-partner"),
    path(f"{EVALUATION}comparators/add/", views.add_comparator, name="add-comparator"),
    path(f"{EVALUATION}comparators/<int:pk>/", views.edit_comparator, name="edit-comparator"),
    path(f"{EVALUATION}comparators/<int:pk>/remove/", views.remove_comparator, name="remove-comparator"),
    path(f"{EVALUATION}indicators/add/", views.add_indicator, name="add-indicator"),
    path(f"{EVALUATION}indicators/<int:pk>/", views.edit_indicator, name="edit-indicator"),
    path(f"{EVALUATION}indicators/<int:pk>/remove/", views.remove_indicator, name="remove-indicator"),
    path(f"{EVALUATION}measurements/add/", views.add_measurement, name="add-measurement"),
    path(f"{EVALUATION}measurements/<int:pk>/", views.edit_measurement, name="edit-measurement"),
    path(f"{EVALUATION}measurements/<int:pk>/remove/", views.remove_measurement, name="remove-measurement"),
    path(f"{EVALUATION}reach/add/", views.add_reach, name="add-reach"),
    path(f"{EVALUATION}reach/<int:pk>/", views.edit_reach, name="edit-reach"),
    path(f"{EVALUATION}reach/<int:pk>/remove/", views.remove_reach, name="remove-reach"),
    path(f"{EVALUATION}surveys/add/", views.add_survey, name="add-survey"),
    path(f"{EVALUATION}surveys/<int:pk>/", views.edit_survey, name="edit-survey"),
    path(f"{EVALUATION}surveys/<int:pk>/remove/", views.remove_survey, name="remove-survey"),
    path(f"{EVALUATION}surveys/<int:pk>/statements/add/", views.add_survey_item, name="add-survey-item"),
    path(
        f"{EVALUATION}surveys/<int:pk>/answers/import/",
        views.import_survey_answers,
        name="import-survey-answers",
    ),
    path(f"{EVALUATION}statements/<int:pk>/", views.edit_survey_item, name="edit-survey-item"),
    path(f"{EVALUATION}statements/<int:pk>/remove/", views.remove_survey_item, name="remove-survey-item"),
    path(f"{EVALUATION}case-studies/add/", views.add_case_study, name="add-case-study"),
    path(f"{EVALUATION}case-studies/<int:pk>/", views.edit_case_study, name="edit-case-study"),
]
