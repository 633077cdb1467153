"""Link the quotes of report versions made before quotes were linked to their contributions, and take out
those whose resident has since withdrawn consent or been erased.

A quote is found by its words among the programme's contributions (whitespace as the report wrote it). A
version that loses a quote here keeps no HTML or PDF with the words: its page is drawn from the new
figures, and its PDF is marked as needing to be made again (the report page offers "Try again").
"""

from django.db import migrations


def _same_words(text: str) -> str:
    return " ".join((text or "").split())


def link_existing_quotes(apps, schema_editor):
    Report = apps.get_model("publishing", "Report")
    ReportQuote = apps.get_model("publishing", "ReportQuote")
    Contribution = apps.get_model("engagement", "Contribution")
    for report in Report.objects.exclude(pk__in=ReportQuote.objects.values("report_id")).iterator():
        quotes = (report.figures or {}).get("quotes") or []
        if not quotes:
            continue
        wanted = {_same_words(quote.get("text", "")) for quote in quotes}
        found = {}
        contributions = Contribution.objects.filter(programme_id=report.programme_id).only(
            "pk", "text", "consent_quote", "consent_open_data"
        )
        for contribution in contributions.iterator():
            words = _same_words(contribution.text)
            if words in wanted and words not in found:
                found[words] = contribution
        kept, links = [], []
        for quote in quotes:
            source = found.get(_same_words(quote.get("text", "")))
            may_quote = source is not None and source.consent_quote
            if report.is_public:
                may_quote = may_quote and source.consent_open_data
            if may_quote:
                links.append(ReportQuote(report=report, contribution_id=source.pk, position=len(kept)))
                kept.append(quote)
        ReportQuote.objects.bulk_create(links)
        removed = len(quotes) - len(kept)
        if removed:
            report.figures["quotes"] = kept
            Report.objects.filter(pk=report.pk).update(
                figures=report.figures,
                html="",
                pdf=None,
                status="failed",
                error="Quotes were taken out of this version because residents withdrew their consent or were "
                "erased; make the PDF again.",
                quotes_removed=report.quotes_removed + removed,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0003_contribution_participant"),
        ("publishing", "0002_report_quotes"),
    ]

    operations = [migrations.RunPython(link_existing_quotes, migrations.RunPython.noop)]
