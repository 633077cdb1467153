"""The language stored on each contribution (chorus.coding.languages.contribution_languages) when the
programme names no languages, against detecting among all languages or among the community languages only.

Data: the translations and short phrases of tests/fixtures/data (as bench/coding_languages.py), every English
FFT comment with text, and five sentences in languages beyond the community ones (French, German, Italian,
Lithuanian, Russian) that the community-only set cannot answer right.

    CHORUS_SHARED_DATA=../shared/data PYTHONPATH=. .venv/bin/python bench/coding_contribution_languages.py
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from bench._readme import write_section
from bench.coding_languages import load_fft, read_phrases, read_translations
from chorus.coding import languages

BEYOND = {
    "fr": "Le personnel était très gentil et attentionné avec ma mère.",
    "de": "Das Personal war sehr freundlich und hat alles gut erklärt.",
    "it": "Il personale è stato molto gentile e disponibile.",
    "lt": "Personalas buvo labai malonus ir paslaugus.",
    "ru": "Персонал был очень вежлив и внимателен к моей маме.",
}


def _blank(code: str) -> str:
    return "" if code == languages.UNDETERMINED else code


def _right(detect: Callable[[Sequence[str]], list[str]], texts: list[str], truth: list[str]) -> int:
    return sum(code == expected for code, expected in zip(detect(texts), truth, strict=True))


def main() -> None:
    translations, phrases = read_translations(), read_phrases()
    english = [text for text in load_fft()[0] if text.strip()]
    community = [languages.ENGLISH, *languages.COMMUNITY_LANGUAGES]
    detectors: list[tuple[str, Callable[[Sequence[str]], list[str]]]] = [
        ("every py3langid language", lambda b: [_blank(d.code) for d in languages.detect_many(b)]),
        (
            "English and the community languages",
            lambda b: [_blank(d.code) for d in languages.detect_many(b, community)],
        ),
        ("**stored: named languages, then community ones for the unsure**", languages.contribution_languages),
    ]
    lines = [
        f"Translations: {len(translations)} texts; short phrases: {len(phrases)}; English FFT comments: "
        f"{len(english):,}; beyond the community languages: {len(BEYOND)} sentences.",
        "Blank = not known.",
        "",
        "| candidates | translations right | short phrases right | beyond right | English FFT as en "
        "| as blank | texts/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, detect in detectors:
        right = _right(detect, [r["text"] for r in translations], [r["language"] for r in translations])
        short = _right(detect, [r["text"] for r in phrases], [r["language"] for r in phrases])
        beyond = _right(detect, list(BEYOND.values()), list(BEYOND))
        started = time.perf_counter()
        on_english = detect(english)
        speed = len(english) / (time.perf_counter() - started)
        as_en = sum(code == "en" for code in on_english) / len(english)
        as_blank = sum(code == "" for code in on_english) / len(english)
        lines.append(
            f"| {name} | {right / len(translations):.1%} | {short / len(phrases):.1%} "
            f"| {beyond} of {len(BEYOND)} | {as_en:.1%} | {as_blank:.1%} | {speed:,.0f} |"
        )
    lines += ["", "Speed on a shared 2-core machine under load: noisy."]
    markdown = "## Language stored on contributions (coding_contribution_languages)\n\n" + "\n".join(lines)
    print(markdown)
    write_section("coding_contribution_languages", markdown)


if __name__ == "__main__":
    main()
