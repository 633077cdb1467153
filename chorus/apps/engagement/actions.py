"""Write actions for engagement: each validates, changes atomically and records an audit event.

Views, imports, the API and tests all call these; nothing else writes contributions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Organisation, Programme
from chorus.privacy.contact import Contact

from .models import Activity, ActivityKind, Contribution
from .signals import consent_withdrawn, hearing_back_requested, words_erased

log = logging.getLogger("chorus.engagement")

CONSENT_SCOPES = ("analysis", "quote", "open_data", "recontact")


@dataclass
class ContributionInput:
    text: str
    consent_quote: bool
    consent_open_data: bool
    consent_recontact: bool
    consent_analysis: bool = True
    ward: Area | None = None
    lsoa: Area | None = None
    postcode_district: str = ""
    answers: dict = field(default_factory=dict)
    age_band: str = ""
    sex: str = ""
    gender_identity_same: str = ""
    ethnicity: str = ""
    disability: str = ""
    carer: str = ""
    already_redacted: bool = False  # set by loaders that redacted the text themselves
    language: str = ""  # ISO 639-1 code of the language the resident spoke; blank when not known
    # The pseudonymous resident (an imports.Participant), when the source names them. Typed as a model:
    # imports is built on engagement, so engagement does not import it.
    participant: models.Model | None = None
    # How they want to hear back, when they agreed to be contacted: kept by the imports app on their
    # participant (hearing_back_requested), never on the contribution.
    hear_back: Contact | None = None


@dataclass
class Recorded:
    contribution: Contribution
    created: bool


def _redact(text: str) -> str:
    from chorus.privacy.redaction import redact  # loads spaCy and Presidio: only when a text arrives

    return redact(text).text


def _check(data: ContributionInput) -> None:
    if not data.text.strip():
        raise ActionError("Enter what the resident said.", "text")
    if not data.consent_analysis:
        raise ActionError(
            "We can only keep what a resident said if they agree to them being used for analysis. "
            "If they do not agree, do not record the conversation.",
            "consent_analysis",
        )
    if data.ward is not None and data.ward.level != Level.WARD:
        raise ActionError(f"{data.ward} is not a ward.", "ward")
    if data.lsoa is not None and data.lsoa.level != Level.LSOA:
        raise ActionError(f"{data.lsoa} is not an LSOA.", "lsoa")


def _languages(texts: Sequence[str]) -> list[str]:
    """The language of each resident's words, detected offline from the words as said (before redaction,
    whose placeholders are English). Blank when not known."""
    from chorus.coding.languages import contribution_languages

    return contribution_languages(list(texts))


def _contribution(
    activity: Activity,
    data: ContributionInput,
    text: str,
    *,
    by,
    submission_key: str | None,
    language: str = "",
) -> Contribution:
    signed_in = by if getattr(by, "is_authenticated", False) else None
    return Contribution(
        programme=activity.programme,
        activity=activity,
        text=text,
        language=data.language or language,  # as the connector said, else as detected
        answers=data.answers,
        ward=data.ward or (data.lsoa.parent if data.lsoa is not None else None),
        lsoa=data.lsoa,
        postcode_district=data.postcode_district.strip().upper(),
        imd_decile=data.lsoa.imd_decile if data.lsoa is not None else None,
        core20=data.lsoa.core20 if data.lsoa is not None else None,
        recorded_by=signed_in,
        submission_key=submission_key or None,
        participant=data.participant,
        age_band=data.age_band,
        sex=data.sex,
        gender_identity_same=data.gender_identity_same,
        ethnicity=data.ethnicity,
        disability=data.disability,
        carer=data.carer,
        consent_analysis=True,
        consent_quote=data.consent_quote,
        consent_open_data=data.consent_open_data,
        consent_recontact=data.consent_recontact,
        consent_taken_at=timezone.now(),
        consent_taken_by=signed_in,
    )


def create_contribution(
    activity: Activity, data: ContributionInput, *, by=None, submission_key: str | None = None
) -> Recorded:
    """Store one contribution in an activity. A submission key seen before returns the stored one."""
    _check(data)
    if submission_key:
        existing = Contribution.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return Recorded(existing, created=False)
    text = data.text.strip() if data.already_redacted else _redact(data.text.strip())
    contribution = _contribution(
        activity,
        data,
        text,
        by=by,
        submission_key=submission_key,
        language=data.language or _languages([data.text])[0],
    )
    try:
        with transaction.atomic():
            contribution.save()
    except IntegrityError:
        if submission_key:  # the same submission raced in from a retry: keep the first
            existing = Contribution.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return Recorded(existing, created=False)
        raise
    if data.hear_back is not None and data.consent_recontact:
        hearing_back_requested.send(
            sender=Contribution, contribution=contribution, contact=data.hear_back, by=by
        )
    return Recorded(contribution, created=True)


# ---------------------------------------------------------------------------------------------- chunks

ANSWER_REDACT_CHARS = 20  # a free-text answer this long (and with a space) is redacted like the text
_INSERT_ATTEMPTS = 3


@dataclass
class ChunkRow:
    """One contribution of a chunk, with the key that recognises it if it is sent again."""

    data: ContributionInput
    submission_key: str | None = None


@dataclass
class ChunkResult:
    status: str  # "imported", "duplicate" or "refused"
    contribution: Contribution | None = None  # the stored one, when imported
    contribution_id: int | None = None  # the stored one, when imported or a duplicate
    problem: str = ""  # why a refused row was refused, for a person to read


def _redact_many(texts: list[str]) -> list[str]:
    if not texts:
        return []
    from chorus.privacy.redaction import redact_many  # loads spaCy and Presidio: only when texts arrive

    return [result.text for result in redact_many(texts)]


def _is_free_text(value: object) -> bool:
    return isinstance(value, str) and len(value) >= ANSWER_REDACT_CHARS and " " in value.strip()


def create_contributions(
    activity: Activity,
    rows: Sequence[ChunkRow],
    *,
    by,
    in_transaction: Callable[[list[ChunkResult]], None] | None = None,
) -> list[ChunkResult]:
    """Store a chunk of contributions in one activity: create_contribution's guarantees at bulk speed.

    - each row is checked; a bad row is refused with its reason and the others are still stored;
    - a submission key stored before, or met earlier in the chunk, makes a duplicate (one query);
    - the texts and the longer free-text answers of the new rows are redacted in one NLP batch, before
      the transaction opens;
    - the new rows go in with one bulk insert, in one transaction with one audit event for the chunk;
      a key that raced in from elsewhere meanwhile turns into a duplicate, never an error.

    in_transaction(results) runs inside that same transaction after the insert, so a caller's own
    bookkeeping (an import's resume point) commits with the chunk or not at all.
    An activity not yet saved is saved in that transaction, and only if a row is stored in it: identical
    posts racing each other leave one activity, never empty ones.
    Results are in the order of rows.
    """
    if not rows:
        return []
    results: list[ChunkResult | None] = [None] * len(rows)
    keys = [row.submission_key for row in rows if row.submission_key]
    seen = (
        dict(Contribution.objects.filter(submission_key__in=keys).values_list("submission_key", "pk"))
        if keys
        else {}
    )
    fresh: list[int] = []
    for index, row in enumerate(rows):
        try:
            _check(row.data)
        except ActionError as error:
            results[index] = ChunkResult("refused", problem=str(error))
            continue
        key = row.submission_key
        if key and key in seen:
            results[index] = ChunkResult("duplicate", contribution_id=seen[key])
            continue
        if key:
            seen[key] = None  # a later copy in this chunk is a duplicate of this one
        fresh.append(index)

    # One NLP pass over the whole chunk: texts first, then the free-text answers.
    to_redact = [rows[index].data.text.strip() for index in fresh if not rows[index].data.already_redacted]
    answer_slots = [
        (index, question)
        for index in fresh
        if not rows[index].data.already_redacted
        for question, value in rows[index].data.answers.items()
        if _is_free_text(value)
    ]
    redacted = iter(_redact_many(to_redact + [rows[index].data.answers[q] for index, q in answer_slots]))
    texts = {
        index: rows[index].data.text.strip() if rows[index].data.already_redacted else next(redacted)
        for index in fresh
    }
    unknown = [index for index in fresh if not rows[index].data.language]  # detect only where not given
    languages = dict(zip(unknown, _languages([rows[index].data.text for index in unknown]), strict=True))
    answers = {index: dict(rows[index].data.answers) for index in fresh}
    for index, question in answer_slots:
        answers[index][question] = next(redacted)

    def build(indexes: list[int]) -> list[Contribution]:
        built = []
        for index in indexes:
            contribution = _contribution(
                activity,
                rows[index].data,
                texts[index],
                by=by,
                submission_key=rows[index].submission_key,
                language=languages.get(index, ""),
            )
            contribution.answers = answers[index]
            built.append(contribution)
        return built

    new_activity = activity.pk is None
    with transaction.atomic():
        if new_activity and fresh:
            activity.save()
        pending = fresh
        for attempt in range(1, _INSERT_ATTEMPTS + 1):
            contributions = build(pending)
            try:
                with transaction.atomic():  # a savepoint: a clash undoes only this insert
                    Contribution.objects.bulk_create(contributions)
                break
            except IntegrityError:
                pending_keys = [rows[index].submission_key for index in pending if rows[index].submission_key]
                raced = dict(
                    Contribution.objects.filter(submission_key__in=pending_keys).values_list(
                        "submission_key", "pk"
                    )
                )
                if not raced or attempt == _INSERT_ATTEMPTS:
                    raise
                for index in pending:
                    if rows[index].submission_key in raced:
                        results[index] = ChunkResult(
                            "duplicate", contribution_id=raced[rows[index].submission_key]
                        )
                pending = [index for index in pending if results[index] is None]
        for index, contribution in zip(pending, contributions, strict=True):
            results[index] = ChunkResult(
                "imported", contribution=contribution, contribution_id=contribution.pk
            )
        if new_activity and activity.pk is not None and not pending:
            activity.delete()  # every row raced in from elsewhere: no empty activity is left
        stored_ids = {contribution.submission_key: contribution.pk for contribution in contributions}
        for result, row in zip(results, rows, strict=True):
            if result is not None and result.status == "duplicate" and result.contribution_id is None:
                result.contribution_id = stored_ids.get(row.submission_key)
        done = [result for result in results if result is not None]
        counts = {
            status: sum(result.status == status for result in done)
            for status in ("imported", "duplicate", "refused")
        }
        audit(
            "contributions.added",
            actor=by,
            obj=activity if activity.pk is not None else None,
            programme=activity.programme,
            added=counts["imported"],
            duplicates=counts["duplicate"],
            refused=counts["refused"],
        )
        if in_transaction is not None:
            in_transaction(done)
    return done


def _partner_for(user, programme: Programme) -> Organisation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    membership = (
        user.memberships.filter(programme=programme)
        .exclude(organisation=None)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def record_conversation(
    *, by, programme: Programme, data: ContributionInput, submission_key: str, when: date | None = None
) -> Recorded:
    """A connector records one conversation: a conversation activity with one contribution.

    Sending the same form twice (a phone retrying) stores one conversation.
    """
    existing = Contribution.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return Recorded(existing, created=False)
    _check(data)
    place = data.ward or (data.lsoa.parent if data.lsoa else None)
    activity = Activity.objects.create(
        programme=programme,
        kind=ActivityKind.CONVERSATION,
        title=f"Conversation in {place}" if place else "Conversation",
        date=when or timezone.localdate(),
        area=place,
        partner=_partner_for(by, programme),
        recorded_by=by,
        participants=1,
    )
    recorded = create_contribution(activity, data, by=by, submission_key=submission_key)
    if not recorded.created:  # lost a race with a retry: drop the empty activity made above
        activity.delete()
        return recorded
    audit("contribution.recorded", actor=by, obj=recorded.contribution, programme=programme)
    log.info(
        "conversation recorded",
        extra={"event": "contribution.recorded", "contribution_id": recorded.contribution.pk},
    )
    return recorded


@transaction.atomic
def record_at_activity(*, by, activity: Activity, data: ContributionInput, submission_key: str) -> Recorded:
    """A partner (or an analyst) records one resident's words at an activity already recorded.

    An activity gathers several conversations; sending the same form twice stores it once.
    """
    recorded = create_contribution(activity, data, by=by, submission_key=submission_key)
    if recorded.created:
        audit("contribution.recorded", actor=by, obj=recorded.contribution, programme=activity.programme)
        log.info(
            "conversation recorded at an activity",
            extra={"event": "contribution.recorded", "contribution_id": recorded.contribution.pk},
        )
    elif recorded.contribution.activity_id != activity.pk:
        raise ActionError("This form was already used for another activity; open the form again.")
    return recorded


@transaction.atomic
def withdraw_consent(contribution: Contribution, scope: str, *, by) -> None:
    """Withdraw one consent. Withdrawing analysis consent deletes the contribution and all derived from it.

    The apps built on engagement act on consent_withdrawn (published quotes, quotes on maps) before the
    change, and on words_erased (models trained on the words) after the contribution is deleted.
    """
    if scope not in CONSENT_SCOPES:
        raise ActionError(f"Unknown consent {scope!r}; choose one of {', '.join(CONSENT_SCOPES)}.", "scope")
    contribution_id, programme = contribution.pk, contribution.programme
    consent_withdrawn.send(
        sender=Contribution,
        contribution_ids=[contribution_id],
        scope=scope,
        reason=f"{scope} consent withdrawn",
        by=by,
    )
    if scope == "analysis":
        contribution.delete()
        words_erased.send(sender=Contribution, programme=programme, by=by)
    else:
        setattr(contribution, f"consent_{scope}", False)
        contribution.save(update_fields=[f"consent_{scope}"])
    audit(
        "consent.withdrawn",
        actor=by,
        programme=programme,
        contribution_id=contribution_id,
        scope=scope,
    )
    log.info("consent withdrawn", extra={"event": "consent.withdrawn", "contribution_id": contribution_id})


# ---------------------------------------------------------------------------------------------- languages

LANGUAGE_BATCH = 2000


def fill_languages(programme: Programme | None = None, *, by=None) -> int:
    """Detect the language of the contributions that have none yet (those stored before detection, or
    undetermined then): all of them, or one programme's. Returns how many were given a language. Run again,
    it only retries the undetermined ones, which stay blank."""
    from chorus.coding.languages import contribution_languages

    blank = Contribution.objects.filter(language="")
    if programme is not None:
        blank = blank.filter(programme=programme)
    rows = list(blank.order_by("pk").values_list("pk", "text"))
    filled = 0
    for start in range(0, len(rows), LANGUAGE_BATCH):
        batch = rows[start : start + LANGUAGE_BATCH]
        found = contribution_languages([text for _, text in batch])
        changed = [
            Contribution(pk=pk, language=code) for (pk, _), code in zip(batch, found, strict=True) if code
        ]
        with transaction.atomic():
            Contribution.objects.bulk_update(changed, ["language"])
        filled += len(changed)
    if filled:
        audit("contributions.languages_filled", actor=by, programme=programme, filled=filled)
    return filled


def request_translation(contribution: Contribution, *, by, requested: bool = True) -> Contribution:
    """Mark a contribution as waiting for a human translation (or, requested=False, no longer waiting: done,
    or asked by mistake). The resident's words are kept as said either way."""
    if contribution.translation_requested == requested:
        raise ActionError(
            "A translation is already requested." if requested else "No translation was requested."
        )
    contribution.translation_requested = requested
    contribution.save(update_fields=["translation_requested"])
    audit(
        "contribution.translation_requested" if requested else "contribution.translation_cleared",
        actor=by,
        obj=contribution,
        programme=contribution.programme,
    )
    return contribution
