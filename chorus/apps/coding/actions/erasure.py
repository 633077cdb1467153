"""After residents' words are erased: the model files trained on them go, and the programme is coded again
by a model that learns from what is left."""

from __future__ import annotations

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.programmes.models import Programme

from ..model_files import delete_trained
from ..models import ModelRun
from .runs import start_coding


def forget_erased_texts(programme: Programme, *, by) -> None:
    """Once the erasure is committed, drop the programme's trained models and train them again without
    those words, as background work on the `coding` queue (tasks.retrain_after_erasure)."""
    from ..tasks import retrain_after_erasure

    programme_id, user_id = programme.pk, getattr(by, "pk", None)
    transaction.on_commit(lambda: retrain_after_erasure.enqueue(programme_id, user_id))


def delete_model_files(run: ModelRun) -> None:
    delete_trained(run.directory)


def retrain_after_erasure(programme: Programme, *, by) -> ModelRun | None:
    """Delete every model file the programme's runs trained (they learnt from words since erased) and,
    when one had been trained, queue a run that learns again from what is left. Returns that run."""
    trained = list(ModelRun.objects.filter(programme=programme).exclude(directory=""))
    for run in trained:
        delete_model_files(run)
    ModelRun.objects.filter(pk__in=[run.pk for run in trained]).update(directory="")
    audit("coding.models_dropped_after_erasure", actor=by, programme=programme, models=len(trained))
    if not trained:
        return None
    try:
        return start_coding(programme, by=by)
    except ActionError:  # no codebook or no themes any more: nothing to train
        return None
