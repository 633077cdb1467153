import csv
from pathlib import Path

import pytest

from chorus.coding.languages import (
    COMMUNITY_LANGUAGES,
    ROUTING_CONFIDENCE,
    UNDETERMINED,
    contribution_language,
    contribution_languages,
    detect,
    detect_many,
    language_name,
    mostly_not_latin,
    named_languages,
    programme_candidates,
    routing_languages,
    supported_languages,
)

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"

# Short sentences of the kind residents write, one per language the issue names.
SENTENCES = {
    "en": "The receptionist was rude to my mother.",
    "es": "El médico fue muy amable y me explicó todo.",
    "pl": "Pielęgniarki były bardzo miłe i pomocne.",
    "pt": "Esperei três horas nas urgências.",
    "ro": "Medicul de familie nu răspunde la telefon.",
    "tr": "Randevu almak çok zor oldu.",
    "ar": "انتظرت طويلاً في قسم الطوارئ.",
    "ur": "ڈاکٹر نے میری بات غور سے سنی۔",
    "bn": "হাসপাতালের কর্মীরা খুব ভালো ছিলেন।",
    "so": "Dhakhtarku aad buu ii caawiyay, waan ku faraxsanahay.",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_detects_the_language_of_a_short_sentence(code):
    detection = detect(SENTENCES[code])
    assert detection.code == code
    assert 0.5 < detection.confidence <= 1.0


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_detects_the_language_among_the_programme_languages(code):
    detection = detect(SENTENCES[code], candidates=programme_candidates(COMMUNITY_LANGUAGES))
    assert detection.code == code


def test_candidates_settle_a_phrase_that_is_unclear_among_all_languages():
    phrase = "Çok iyi"  # "very good": too short for certainty among 130 languages
    assert detect(phrase).code == UNDETERMINED
    assert detect(phrase, candidates=["en", "tr", "pl"]).code == "tr"


def test_a_language_outside_the_candidates_is_never_answered():
    detection = detect(SENTENCES["pt"], candidates=["en", "pl"])
    assert detection.code in {"en", "pl", UNDETERMINED}


def test_bengali_is_not_taken_for_assamese_once_candidates_are_given():
    assert detect("খুব ভালো", candidates=programme_candidates(["bn"])).code == "bn"


@pytest.mark.parametrize("text", ["", "   ", None, "ok", "5/5", "N/A", "!!!", "👍"])
def test_too_short_or_empty_text_is_undetermined(text):
    detection = detect(text)
    assert detection.code == UNDETERMINED
    assert not detection.is_determined
    assert detection.name == "Not known"


def test_detect_many_matches_detect_one_by_one():
    texts = list(SENTENCES.values()) + ["ok"]
    assert detect_many(texts) == [detect(text) for text in texts]


def test_routing_keeps_a_short_english_comment_the_detector_is_unsure_of_with_english():
    candidates = programme_candidates(COMMUNITY_LANGUAGES)
    assert detect("Just perfect", candidates).code == "ro"  # at about 0.5
    texts = ["Just perfect", "ok", SENTENCES["pl"], SENTENCES["ar"], SENTENCES["en"]]
    assert routing_languages(texts, candidates) == [UNDETERMINED, UNDETERMINED, "pl", "ar", "en"]


def test_unknown_candidate_codes_are_refused():
    with pytest.raises(ValueError, match="xx"):
        detect("Hello there my friend", candidates=["en", "xx"])


def test_programme_candidates_always_include_english():
    assert programme_candidates(["PL", " ar ", ""]) == ["ar", "en", "pl"]


def test_every_community_language_can_be_detected_and_has_a_name():
    assert set(COMMUNITY_LANGUAGES) <= set(supported_languages())
    assert [language_name(code) for code in ("pl", "so", "bn")] == ["Polish", "Somali", "Bengali"]


def read_fixture(name: str) -> list[dict[str, str]]:
    with (FIXTURE_DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_short_phrases_are_detected_among_the_programme_languages():
    rows = read_fixture("language_phrases.csv")
    detections = detect_many([row["text"] for row in rows], programme_candidates(COMMUNITY_LANGUAGES))
    right = [detection.code == row["language"] for detection, row in zip(detections, rows, strict=True)]
    assert sum(right) / len(right) >= 0.95


def test_every_translated_fft_comment_is_detected_in_its_language():
    rows = read_fixture("fft_translations.csv")
    assert {row["language"] for row in rows} == {"en", "es", "pl", "pt", "ro", "tr", "ar", "ur", "bn"}
    detections = detect_many([row["text"] for row in rows])
    assert [detection.code for detection in detections] == [row["language"] for row in rows]


@pytest.mark.parametrize("candidates", [None, programme_candidates(COMMUNITY_LANGUAGES), ["pl", "ro"]])
def test_routing_languages_are_the_detections_at_least_as_sure_as_routing_asks(candidates):
    """routing_languages settles sure English from the detector's best guess alone: the same answers."""
    texts = [
        row["text"] for name in ("language_phrases.csv", "fft_translations.csv") for row in read_fixture(name)
    ]
    texts += ["Just perfect", "ok", "", None]
    expected = [
        detection.code
        if detection.confidence >= ROUTING_CONFIDENCE or mostly_not_latin(text or "")
        else UNDETERMINED
        for text, detection in zip(texts, detect_many(texts, candidates), strict=True)
    ]
    assert routing_languages(texts, candidates) == expected


def test_a_short_comment_in_another_script_goes_to_its_language_even_when_detection_is_unsure():
    candidates = programme_candidates(COMMUNITY_LANGUAGES)
    assert detect("ممتاز", candidates).confidence < ROUTING_CONFIDENCE  # "excellent", at about 0.76
    assert routing_languages(["ممتاز", "Just perfect", "OK 👍"], candidates) == [
        "ar",
        UNDETERMINED,
        UNDETERMINED,
    ]
    assert (
        mostly_not_latin("ممتاز ok") and not mostly_not_latin("Café très bon") and not mostly_not_latin("5/5")
    )


# ---------------------------------------------------------------------------------------------- contributions

LONG = {
    "ar": (
        "ذهبت إلى العيادة ثلاث مرات هذا الشهر ولم أستطع رؤية الطبيب. الموظفون في الاستقبال لا يتحدثون "
        "العربية ولم يكن هناك مترجم، فاضطر ابني إلى ترك المدرسة ليأتي معي ويترجم."
    ),
    "pl": (
        "Od miesiąca próbuję umówić wizytę u lekarza rodzinnego. Dzwonię o ósmej rano i zawsze słyszę, że "
        "nie ma już wolnych terminów. Moja mama czeka na badania od pół roku."
    ),
    "es": (
        "Llevo dos años viviendo en Southend y todavía no sé cómo registrarme con un médico de cabecera. "
        "Nadie en la farmacia me supo explicar qué papeles necesito."
    ),
}
SHORT = {"ar": "شكرا جزيلا للممرضات", "pl": "Bardzo miła obsługa", "es": "Me atendieron muy bien"}


@pytest.mark.parametrize("code", sorted(LONG))
def test_a_long_contribution_is_stored_with_its_language(code):
    assert contribution_language(LONG[code]) == code


@pytest.mark.parametrize("code", sorted(SHORT))
def test_a_short_contribution_is_stored_with_its_language(code):
    assert contribution_language(SHORT[code]) == code


def test_a_contribution_in_a_language_beyond_the_community_ones_is_not_forced_into_one():
    assert contribution_language("Le personnel était très gentil et attentionné") == "fr"
    assert contribution_language("Персонал был очень вежлив и внимателен") == "ru"


def test_an_unclear_contribution_is_stored_with_a_blank_language():
    assert contribution_languages(["ok", "", None, "5/5"]) == ["", "", "", ""]


def test_a_programme_that_names_its_languages_is_answered_among_those_only():
    assert contribution_language(LONG["es"], ["pl"]) in {"pl", "en"}
    assert contribution_language(SHORT["pl"], ["pl", "ar"]) == "pl"


def test_contribution_languages_are_iso_639_1_codes_with_english_names():
    assert all(len(code) == 2 and language_name(code) != code for code in named_languages())
    assert {"en", *COMMUNITY_LANGUAGES} <= set(named_languages())


def test_short_phrases_are_nearly_all_right_without_programme_languages():
    with open(FIXTURE_DATA / "language_phrases.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = contribution_languages([row["text"] for row in rows])
    right = sum(code == row["language"] for code, row in zip(found, rows, strict=True))
    assert right >= 0.95 * len(rows)
