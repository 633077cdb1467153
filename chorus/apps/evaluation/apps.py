from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "chorus.apps.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation of interventions"
