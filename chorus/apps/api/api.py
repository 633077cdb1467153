"""The read API: programmes, aggregate figures and, for those allowed to see them, contributions.

Built on django-ninja, which gives the OpenAPI schema (at /api/v1/openapi.json), request validation and
pagination. Every request carries `Authorization: Bearer <token>`; a token sees what its user sees in the
app: aggregates for the programmes they belong to, contributions only where the user may read them.
"""

import datetime
from typing import Annotated, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from pydantic import StringConstraints

from chorus.apps.engagement.models import ActivityKind, Contribution
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.insight import aggregates
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import Programme
from chorus.apps.programmes.rules import member_programmes

from .throttling import TokenRateThrottle, add_throttle_responses, authenticate_token

PAGE_SIZE = 100
MAX_PAGE = 1_000_000  # 100 million records: an offset past it would overflow the database's integers

# Every string a request carries has a shape, so characters no database stores (NUL) or absurd lengths are a
# 422 with the reason, never a server error; closed choices are enums in the schema.
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)]
WardCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{8}$")]
ThemeSlug = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]+$", max_length=200)]
ActivityKindName = Literal[tuple(ActivityKind.values)]
SlugInPath = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)]


class ErrorOut(Schema):
    detail: str = Field(description="Why the request was refused")


class InvalidOut(Schema):
    detail: list[dict] = Field(description="Which parameters were invalid, and why")


# Every status a route can answer is in the schema: a bad token, a programme it may not see, bad filters, too
# many requests for the token or too many bad tokens from the address (429 with Retry-After).
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut, 429: ErrorOut}
FILTER_ERRORS = ERRORS | {400: ErrorOut}


class BoundedPages(PageNumberPagination):
    """Page numbers up to MAX_PAGE (a larger one is a 422, not an overflow in the database)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return authenticate_token(request, token)


api = NinjaAPI(
    title="Chorus read API",
    version="1",
    description=(
        "Aggregate figures about community engagement programmes, and contributions for those allowed to "
        "see them. Authenticate with `Authorization: Bearer <token>`; create a token under "
        "Account → API tokens. Figures are exact: apply disclosure control before publishing them."
    ),
    auth=BearerToken(),
    throttle=[TokenRateThrottle()],
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is enough
    urls_namespace="api-v1",
)
add_throttle_responses(api)


# ------------------------------------------------------------------------------------------------ schemas


class ProgrammeOut(Schema):
    slug: str
    name: str
    summary: str
    local_authority: str | None = Field(None, description="ONS code of the local authority")
    start_date: datetime.date | None
    end_date: datetime.date | None
    is_public: bool

    @staticmethod
    def resolve_local_authority(programme: Programme) -> str | None:
        return programme.local_authority.code if programme.local_authority_id else None


class FilterQuery(Schema):
    """The same filters as the dashboard's query string."""

    from_: datetime.date | None = Field(None, alias="from", description="Heard on or after (YYYY-MM-DD)")
    to: datetime.date | None = Field(None, description="Heard on or before (YYYY-MM-DD)")
    ward: list[WardCode] = Field([], description="Ward codes (E05…), repeatable")
    kind: list[ActivityKindName] = Field([], description="Activity types, repeatable")
    partner: list[Slug] = Field([], description="Partner organisation slugs, repeatable")
    core20: Literal["yes", "no"] | None = Field(None, description="Only Core20 residents, or only others")
    theme: ThemeSlug | None = Field(None, description="Theme slug in the programme's current codebook")


class GroupCountOut(Schema):
    key: str
    label: str
    count: int


class CountsOut(Schema):
    programme: str
    by: str
    total: int
    groups: list[GroupCountOut]


class PrevalenceOut(Schema):
    theme: str
    theme_name: str
    group: str
    group_label: str
    count: int
    total: int
    proportion: float
    lower: float = Field(description="Lower end of the 95% Wilson score interval")
    upper: float = Field(description="Upper end of the 95% Wilson score interval")


class ContributionOut(Schema):
    id: int
    text: str = Field(description="What the resident said, with personal data redacted")
    heard_on: datetime.date
    activity_kind: str
    partner: str | None
    ward: str | None
    lsoa: str | None
    imd_decile: int | None
    core20: bool | None
    themes: list[str] = Field(description="Slugs of current themes in the programme's current codebook")

    @staticmethod
    def resolve_heard_on(contribution: Contribution) -> datetime.date:
        return contribution.activity.date

    @staticmethod
    def resolve_activity_kind(contribution: Contribution) -> str:
        return contribution.activity.kind

    @staticmethod
    def resolve_partner(contribution: Contribution) -> str | None:
        partner = contribution.activity.partner
        return partner.slug if partner else None

    @staticmethod
    def resolve_ward(contribution: Contribution) -> str | None:
        return contribution.ward.code if contribution.ward_id else None

    @staticmethod
    def resolve_lsoa(contribution: Contribution) -> str | None:
        return contribution.lsoa.code if contribution.lsoa_id else None

    @staticmethod
    def resolve_themes(contribution: Contribution) -> list[str]:
        return sorted(coding.theme.slug for coding in contribution.api_codings)


# ------------------------------------------------------------------------------------------------ helpers

CountBy = Literal[("month", "quarter", *aggregates.GROUPINGS)]
PrevalenceBy = Literal[("all", *aggregates.GROUPINGS)]


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme = member_programmes(request.auth).select_related("local_authority").filter(slug=slug).first()
    if programme is None:
        raise HttpError(404, f"No programme “{slug}” that this token may see.")
    return programme


def _filters(query: FilterQuery) -> Filters:
    unknown = sorted(set(query.kind) - set(ActivityKind.values))
    if unknown:
        raise HttpError(
            400, f"Unknown activity type {', '.join(unknown)}; use one of {', '.join(ActivityKind.values)}."
        )
    if query.from_ and query.to and query.from_ > query.to:
        raise HttpError(400, "“from” must not be after “to”.")
    return Filters(
        date_from=query.from_,
        date_to=query.to,
        wards=tuple(sorted(set(query.ward))),
        activity_kinds=tuple(sorted(set(query.kind))),
        partners=tuple(sorted(set(query.partner))),
        core20=None if query.core20 is None else query.core20 == "yes",
        theme=query.theme or "",
    )


# ------------------------------------------------------------------------------------------------ routes


@api.get("/programmes", response={200: list[ProgrammeOut], **ERRORS}, summary="Programmes this token may see")
@paginate(BoundedPages, page_size=PAGE_SIZE)
def list_programmes(request: HttpRequest):
    return member_programmes(request.auth).select_related("local_authority").order_by("name", "id")


@api.get("/programmes/{slug}", response={200: ProgrammeOut, **ERRORS}, summary="One programme")
def get_programme(request: HttpRequest, slug: SlugInPath):
    return _programme(request, slug)


@api.get(
    "/programmes/{slug}/counts",
    response={200: CountsOut, **FILTER_ERRORS},
    summary="Contributions counted by period or group",
)
def contribution_counts(
    request: HttpRequest, slug: SlugInPath, filters: Query[FilterQuery], by: CountBy = "month"
):
    programme = _programme(request, slug)
    chosen = _filters(filters)
    if by in aggregates.PERIODS:
        groups = aggregates.counts_over_time(programme, chosen, by)
    else:
        groups = aggregates.counts_by(programme, chosen, by)
    return {
        "programme": programme.slug,
        "by": by,
        "total": aggregates.total(programme, chosen),
        "groups": [{"key": g.key, "label": g.label, "count": g.count} for g in groups],
    }


@api.get(
    "/programmes/{slug}/themes",
    response={200: list[PrevalenceOut], **FILTER_ERRORS},
    summary="Theme prevalence with 95% Wilson intervals, overall or by group",
)
def theme_prevalence(
    request: HttpRequest, slug: SlugInPath, filters: Query[FilterQuery], by: PrevalenceBy = "all"
):
    programme = _programme(request, slug)
    return aggregates.theme_prevalence(programme, _filters(filters), by=None if by == "all" else by)


@api.get(
    "/programmes/{slug}/contributions",
    response={200: list[ContributionOut], **FILTER_ERRORS},
    summary="Contributions this token's user may read (redacted text), oldest first",
)
@paginate(BoundedPages, page_size=PAGE_SIZE)
def list_contributions(request: HttpRequest, slug: SlugInPath, filters: Query[FilterQuery]):
    programme = _programme(request, slug)
    codebook = aggregates.codebook_for(programme)
    codings = aggregates.theme_codings(codebook).select_related("theme")
    contributions = aggregates.evidence(programme, _filters(filters), codebook)
    return (
        contributions.filter(pk__in=visible_contributions(request.auth).values("pk"))
        .select_related("activity__partner", "ward", "lsoa")
        .prefetch_related(Prefetch("codings", queryset=codings, to_attr="api_codings"))
        .order_by("activity__date", "id")
    )
