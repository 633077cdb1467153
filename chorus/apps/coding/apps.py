from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from .fulltext import ensure_index

    if connections[using].alias == "default":
        ensure_index()


def _retrain_without_erased_words(sender, *, programme, by, **kwargs) -> None:
    """Residents' words were erased: the models trained on them are dropped and trained again."""
    from .actions.erasure import forget_erased_texts

    forget_erased_texts(programme, by=by)


def _model_run_deleted(sender, instance, **kwargs) -> None:
    """A deleted run's trained model goes from storage too, once the deletion is committed."""
    from django.db import transaction

    from .model_files import delete_trained

    if instance.directory:
        directory = instance.directory
        transaction.on_commit(lambda: delete_trained(directory))


class CodingConfig(AppConfig):
    name = "chorus.apps.coding"
    label = "coding"
    verbose_name = "Thematic coding"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from chorus.apps.engagement.signals import words_erased

        from .models import ContributionVector, ModelRun
        from .vector_index import _vector_deleted

        # The full-text index over contributions (fulltext.py) is made or mended after every migrate.
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="coding-search-index")
        # Engagement cannot call coding (coding is built on it): it says when words are erased.
        # A deleted vector (withdrawal, erasure, re-embedding) leaves the search index at once.
        post_delete.connect(_vector_deleted, sender=ContributionVector, dispatch_uid="coding.vector_deleted")
        post_delete.connect(_model_run_deleted, sender=ModelRun, dispatch_uid="coding.model_run_deleted")
        words_erased.connect(
            _retrain_without_erased_words, dispatch_uid="coding.retrain_without_erased_words"
        )
