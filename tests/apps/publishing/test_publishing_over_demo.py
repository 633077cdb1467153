"""Over the whole demo, no count from 1 to 7 leaves in a public page, public report or open-data file, and no
published share, interval or derived figure gives back an exact count that rounding hid."""

import csv
import io
import json
from fractions import Fraction

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse
from openpyxl import load_workbook

from chorus.apps.demo.loader import load_demo
from chorus.apps.evaluation.models import Intervention
from chorus.apps.insight import aggregates
from chorus.apps.programmes.models import Programme
from chorus.apps.publishing import opendata
from chorus.apps.publishing.models import Report
from chorus.stats import wilson_ci

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, shared_data):
    """Loaded once for this module, in a transaction rolled back after its last test; each test runs in a
    savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert load_demo(shared_data, scale=0.03, fft_limit=150, out=lambda line: None)
        yield
        transaction.set_rollback(True)


@pytest.mark.slow
def test_no_count_from_one_to_seven_in_any_public_output_over_the_demo(demo, client, public_checks):
    public = list(Programme.objects.filter(is_public=True))
    assert public, "the demo should have public programmes"
    figures_checked = 0
    for programme in public:
        page = client.get(reverse("publishing:public", args=[programme.slug]))
        assert page.status_code == 200
        figures_checked += public_checks.html(page.content.decode())

        said = client.get(reverse("accountability:you-said-we-did", args=[programme.slug]))
        assert said.status_code == 200
        figures_checked += public_checks.html(said.content.decode())

        for table in opendata.TABLES:
            csv_file = client.get(reverse("publishing:open-data", args=[programme.slug, table.name, "csv"]))
            json_file = client.get(reverse("publishing:open-data", args=[programme.slug, table.name, "json"]))
            assert csv_file.status_code == json_file.status_code == 200
            checked, _ = public_checks.open_data(
                csv_file.content.decode("utf-8-sig"), json.loads(json_file.content)
            )
            figures_checked += checked

        for report in Report.objects.filter(programme=programme, is_public=True):
            figures_checked += public_checks.figures(report.figures)
            html = client.get(reverse("publishing:public-report", args=[programme.slug, report.pk]))
            assert html.status_code == 200
            figures_checked += public_checks.html(html.content.decode())

    assert Report.objects.filter(is_public=True).exists(), "the demo should publish a report"
    assert figures_checked > 100


# --------------------------------------------------------------------------------------------- reconstruction
# An attacker's try at undoing the rounding: for each published share, interval or derived figure, every pair
# of exact counts that would publish as the shown counts (a published 160 is 158 to 162; 0 is 0) is kept when
# it gives the figure shown. A figure gives a count back when exactly one count remains and it is not the
# published one, or when the one left is the true hidden count.


UNKNOWN = object()  # a numerator that is not published beside its share


def _hidden(published) -> list[int] | None:
    """The exact counts that publish as `published`; None when it is suppressed or missing."""
    if published in ("*", None, ""):
        return None
    published = int(published)
    return [0] if published == 0 else list(range(published - 2, published + 3))


def _tolerance(value: float) -> Fraction:
    """Half a unit in the last decimal place the figure is shown to."""
    text = repr(float(value))
    places = len(text.split(".")[1]) if "." in text and "e" not in text else 17
    return Fraction(1, 2 * 10**places) + Fraction(1, 10**12)


def _consistent(shown: float, exact: float) -> bool:
    return abs(Fraction(repr(float(shown))) - Fraction(repr(float(exact)))) <= _tolerance(shown)


def _candidates(numerator, denominator, share=None, interval=None, scale=100) -> set[tuple[int, int]] | None:
    """Exact (numerator, denominator) pairs consistent with the published counts, share and interval."""
    denominators = _hidden(denominator)
    numerators = range(0, max(denominators or [0]) + 1) if numerator is UNKNOWN else _hidden(numerator)
    if numerators is None or denominators is None or share in ("*", None, ""):
        return None
    found = set()
    for d in denominators:
        for n in numerators:
            if not 0 <= n <= d or d == 0:
                continue
            if not _consistent(share, scale * n / d):
                continue
            if interval is not None:
                lower, upper = wilson_ci(n, d)
                if not (_consistent(interval[0], scale * lower) and _consistent(interval[1], scale * upper)):
                    continue
            found.add((n, d))
    return found


def _gives_back(found, numerator, denominator, truth=None) -> bool:
    if not found:
        return False
    numerators, denominators = {n for n, _ in found}, {d for _, d in found}
    if numerator is UNKNOWN:  # not published: pinning it down is not undoing a rounding
        numerator = next(iter(numerators)) if len(numerators) == 1 else None
    if numerator is not None and len(numerators) == 1 and numerators != {int(numerator)}:
        return True
    if len(denominators) == 1 and denominators != {int(denominator)}:
        return True
    if truth is not None:
        true_n, true_d = truth
        if numerator is not None and true_n != int(numerator) and numerators == {true_n}:
            return True
        if true_d != int(denominator) and denominators == {true_d}:
            return True
    return False


class Attack:
    def __init__(self):
        self.tried = 0
        self.tried_by_output: dict[str, int] = {}
        self.given_back: list[str] = []

    def _try(self, where: str) -> None:
        self.tried += 1
        output = " ".join(where.split()[:2]) if where.startswith("evaluation") else where.split()[0]
        self.tried_by_output[output] = self.tried_by_output.get(output, 0) + 1

    def share(self, where, numerator, denominator, share, interval=None, scale=100, truth=None) -> None:
        found = _candidates(numerator, denominator, share, interval, scale)
        if found is None:
            return
        self._try(where)
        if _gives_back(found, numerator, denominator, truth):
            self.given_back.append(f"{where}: {share} of {numerator}/{denominator} -> {sorted(found)}")

    def per_count(self, where, amount, count, per, truth=None) -> None:
        """An amount per person (rounded to a whole unit): which published-count preimages give it?"""
        counts = _hidden(count)
        if counts is None or per in ("*", None, ""):
            return
        self._try(where)
        found = {c for c in counts if c and round(amount / c) == round(per)}
        if (len(found) == 1 and found != {int(count)}) or (
            truth is not None and truth != int(count) and found == {truth}
        ):
            self.given_back.append(f"{where}: {per} per person of {amount} and {count} -> {sorted(found)}")


def _true_prevalence(programme, grouping: str | None) -> dict[tuple[str, str], tuple[int, int]]:
    """(group key, theme slug) -> (exact contributions raising it, exact contributions in the group)."""
    contributions = opendata.open_contributions(programme)
    codebook = aggregates.codebook_for(programme)
    codings = aggregates.theme_codings(codebook).filter(contribution__in=contributions)
    if grouping is None:
        total = contributions.count()
        per_theme = codings.order_by().values("theme__slug").annotate(n=Count("pk"))
        return {("all", row["theme__slug"]): (row["n"], total) for row in per_theme}
    spec = aggregates.GROUPINGS[grouping]
    totals: dict[str, int] = {}
    for row in contributions.order_by().values(*spec.fields).annotate(n=Count("pk")):
        key, _ = spec.key({name: row[name] for name in spec.fields})
        totals[key] = totals.get(key, 0) + row["n"]
    per_theme: dict[tuple[str, str], int] = {}
    fields = ["contribution__" + name for name in spec.fields]
    for row in codings.order_by().values("theme__slug", *fields).annotate(n=Count("pk")):
        key, _ = spec.key({name: row["contribution__" + name] for name in spec.fields})
        per_theme[(key, row["theme__slug"])] = per_theme.get((key, row["theme__slug"]), 0) + row["n"]
    return {
        (key, slug): (per_theme.get((key, slug), 0), total)
        for key, total in totals.items()
        for slug in {slug for _, slug in per_theme} | {t.slug for t in aggregates.themes(codebook)}
    }


PREVALENCE_TABLES = {
    "theme-prevalence": (None, lambda row: "all"),
    "theme-prevalence-by-ward": ("ward", lambda row: row["ward_code"] or aggregates.NOT_KNOWN),
    "theme-prevalence-by-imd-quintile": ("imd_quintile", lambda row: row["imd_quintile"]),
}


def _attack_open_data(client, programme, attack: Attack) -> None:
    for name, (grouping, group_key) in PREVALENCE_TABLES.items():
        truth = _true_prevalence(programme, grouping)
        response = client.get(reverse("publishing:open-data", args=[programme.slug, name, "csv"]))
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))):
            attack.share(
                f"open-data {programme.slug} {name} {group_key(row)} {row['theme']}",
                row["contributions_with_theme"],
                row["contributions"],
                row["percent"],
                None if row["lower_95"] == "*" else (float(row["lower_95"]), float(row["upper_95"])),
                truth=truth.get((group_key(row), row["theme"])),
            )


def _prevalence_dicts(value):
    """Every {"count", "total", "percent", ...} in a report's figures."""
    if isinstance(value, dict):
        if {"count", "total", "percent"} <= value.keys():
            yield value
        for item in value.values():
            yield from _prevalence_dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _prevalence_dicts(item)


def _attack_report(report, attack: Attack) -> None:
    figures = report.figures
    for row in _prevalence_dicts(figures):
        attack.share(
            f"report {report.pk} {row.get('slug')}",
            row["count"],
            row["total"],
            row["percent"],
            row["interval"],
        )
    summary = figures["summary"]
    attack.share(
        f"report {report.pk} core20", summary["core20"], summary["core20_known"], summary["core20_percent"]
    )
    methods = figures["methods"]
    for part in ("coded", "reviewed"):
        attack.share(
            f"report {report.pk} {part}", methods[part], methods["contributions"], methods[f"{part}_percent"]
        )
    for section in figures["heard_from"]["sections"]:
        for row in section["rows"]:
            attack.share(
                f"report {report.pk} heard {row['label']}",
                row["count"],
                section["known"],
                row["percent"],
                row["interval"],
            )


def _attack_you_said_we_did(response, attack: Attack) -> None:
    context = response.context
    for key in ("listened_percent", "empowered_percent"):
        attack.share(f"you-said-we-did {key}", UNKNOWN, context["answered"], context[key])
    for item in context["priorities"]:
        evidence = item["evidence"]
        attack.share(
            "you-said-we-did priority core20",
            evidence["core20"],
            evidence["total"],
            evidence["core20_percent"],
        )


def _attack_evaluation_workbook(content: bytes, intervention, attack: Attack) -> None:
    workbook = load_workbook(io.BytesIO(content))
    truth = {
        (str(m.population), m.date): (m.with_outcome, m.eligible)
        for indicator in intervention.indicators.all()
        for m in indicator.measurements.select_related("partner__organisation", "comparator")
    }
    uptake = workbook["Uptake"]
    for values in uptake.iter_rows(min_row=2, values_only=True):
        population, when, eligible, with_outcome, share, lower, upper = (
            values[1],
            values[3],
            values[4],
            values[5],
            values[6],
            values[7],
            values[8],
        )
        when = when.date() if hasattr(when, "date") else when
        attack.share(
            f"evaluation uptake {population} {when}",
            with_outcome,
            eligible,
            share,
            None if lower in ("*", None, "") else (lower, upper),
            scale=1,
            truth=truth.get((population, when)),
        )
    for values in workbook["Surveys"].iter_rows(min_row=2, values_only=True):
        for offset in (3, 8):
            agreeing, asked, share, lower, upper = values[offset : offset + 5]
            attack.share(
                f"evaluation survey {values[1]}",
                agreeing,
                asked,
                share,
                None if lower in ("*", None, "") else (lower, upper),
                scale=1,
            )
    reach = {
        partner.organisation.name: partner.reach.aggregate(total=Sum("residents_reached"))["total"]
        for partner in intervention.partners.select_related("organisation")
    }
    for partner, reached, grants, per_person in workbook["Reach and cost"].iter_rows(
        min_row=2, values_only=True
    ):
        if isinstance(grants, int | float) and isinstance(per_person, int | float):
            attack.per_count(
                f"evaluation reach {partner}",
                round(grants * 100),
                reached,
                round(per_person * 100),
                truth=reach.get(partner),
            )


@pytest.mark.slow
def test_no_published_share_interval_or_derived_figure_gives_back_an_exact_count(demo, client):
    attack = Attack()
    for programme in Programme.objects.filter(is_public=True):
        _attack_open_data(client, programme, attack)
        for report in Report.objects.filter(programme=programme, is_public=True):
            _attack_report(report, attack)
        said = client.get(reverse("accountability:you-said-we-did", args=[programme.slug]))
        _attack_you_said_we_did(said, attack)
    public_evaluations = Intervention.objects.filter(report_is_public=True)
    assert public_evaluations.exists(), "the demo should publish an evaluation"
    for intervention in public_evaluations:
        workbook = client.get(
            reverse("evaluation:public-report-xlsx", args=[intervention.programme.slug, intervention.slug])
        )
        assert workbook.status_code == 200
        _attack_evaluation_workbook(workbook.content, intervention, attack)
    assert attack.tried > 300
    outputs = {
        "open-data",
        "report",
        "you-said-we-did",
        "evaluation uptake",
        "evaluation survey",
        "evaluation reach",
    }
    assert outputs <= set(attack.tried_by_output), attack.tried_by_output
    assert attack.given_back == [], f"{len(attack.given_back)} of {attack.tried}: {attack.given_back[:10]}"
