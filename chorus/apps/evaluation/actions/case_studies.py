"""Stories shared with consent: only a story whose teller agreed to it being shared can be published."""

from __future__ import annotations

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..models import CaseStudy, Intervention, InterventionPartner
from ._editing import apply, save

NO_CONSENT = "A story can only be published if the person agreed to it being shared."


def _check(
    intervention: Intervention, title: str, text: str, consent_to_publish: bool, publish: bool, partner
):
    if not title.strip() or not text.strip():
        raise ActionError("Enter a title and the story.")
    if partner is not None and partner.intervention_id != intervention.pk:
        raise ActionError(f"{partner} is not a partner in {intervention}.", "partner")
    if publish and not consent_to_publish:
        raise ActionError(NO_CONSENT, "publish")


@transaction.atomic
def create_case_study(
    intervention: Intervention,
    *,
    title: str,
    text: str,
    consent_to_publish: bool,
    publish: bool = False,
    partner: InterventionPartner | None = None,
    by,
) -> CaseStudy:
    _check(intervention, title, text, consent_to_publish, publish, partner)
    story = CaseStudy.objects.create(
        intervention=intervention,
        partner=partner,
        title=title.strip(),
        text=text.strip(),
        consent_to_publish=consent_to_publish,
        published=publish,
    )
    audit(
        "evaluation.case_study_added",
        actor=by,
        obj=story,
        programme=intervention.programme,
        published=publish,
    )
    return story


@transaction.atomic
def change_case_study_publication(story: CaseStudy, published: bool, *, by) -> None:
    if published and not story.consent_to_publish:
        raise ActionError(NO_CONSENT, "publish")
    story.published = published
    story.save(update_fields=["published"])
    audit(
        "evaluation.case_study_published" if published else "evaluation.case_study_unpublished",
        actor=by,
        obj=story,
        programme=story.intervention.programme,
    )


@transaction.atomic
def change_case_study(
    story: CaseStudy,
    *,
    title: str,
    text: str,
    consent_to_publish: bool,
    publish: bool,
    partner: InterventionPartner | None,
    by,
) -> CaseStudy:
    _check(story.intervention, title, text, consent_to_publish, publish, partner)
    changed = apply(
        story,
        title=title.strip(),
        text=text.strip(),
        consent_to_publish=consent_to_publish,
        published=publish,
        partner=partner,
    )
    save(story)
    audit(
        "evaluation.case_study_changed",
        actor=by,
        obj=story,
        programme=story.intervention.programme,
        changed=changed,
    )
    return story
