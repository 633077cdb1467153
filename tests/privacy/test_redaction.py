import gzip
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chorus.geo.places import DATA_DIR as GEO_DIR
from chorus.privacy.evaluation import PERSONAL_KINDS, evaluate, load_corpus
from chorus.privacy.recognisers import ALLOWLIST_DIR, ward_names_from_geojson
from chorus.privacy.redaction import MAX_CHUNK_CHARS, RedactedSpan, default_redactor, redact, redact_many

REPO = Path(__file__).resolve().parents[2]


def kinds_found(text: str) -> dict[str, str]:
    """Redacted surface text -> kind."""
    return {text[s.start : s.end]: s.kind for s in redact(text).spans}


@pytest.mark.parametrize(
    ("text", "surface", "kind"),
    [
        ("My name is Margaret Wilson and I live in Shoebury.", "Margaret Wilson", "NAME"),
        ("Dr Patel at the surgery is lovely.", "Patel", "NAME"),
        ("My neighbour Stanley fell last winter.", "Stanley", "NAME"),
        ("Call Marcia on the landline after six.", "Marcia", "NAME"),
        ("Ring me on 07700 900123 after work.", "07700 900123", "PHONE"),
        ("My mobile is +44 7700 900456.", "+44 7700 900456", "PHONE"),
        ("Our landline is 01632 960123.", "01632 960123", "PHONE"),
        ("Phone 020 7946 0321 for the housing team.", "020 7946 0321", "PHONE"),
        ("Email me at amara.okafor@example.com please.", "amara.okafor@example.com", "EMAIL"),
        ("Send it to chidi.o@example.org.uk tonight.", "chidi.o@example.org.uk", "EMAIL"),
        ("My postcode is SS1 2AB if you need it.", "SS1 2AB", "POSTCODE"),
        ("I'm in W10 5NR now.", "W10 5NR", "POSTCODE"),
        ("We live at 12 Acacia Avenue and the mould is back.", "12 Acacia Avenue", "ADDRESS"),
        ("It's Flat 3, 45 Victoria Road, Westcliff.", "Flat 3, 45 Victoria Road", "ADDRESS"),
        ("We're in Flat 14, Jubilee House, by the park.", "Flat 14, Jubilee House", "ADDRESS"),
        ("I was born on 3/4/1956 in Plymouth.", "3/4/1956", "DATE_OF_BIRTH"),
        ("My DOB 03.04.56 is on the letter.", "03.04.56", "DATE_OF_BIRTH"),
        ("My date of birth is 3rd April 1956.", "3rd April 1956", "DATE_OF_BIRTH"),
        ("My NHS number is 943 476 5919.", "943 476 5919", "NHS_NUMBER"),
        ("NHS no. 9995260182 on the prescription.", "9995260182", "NHS_NUMBER"),
        ("My National Insurance number is JG 10 37 22 B.", "JG 10 37 22 B", "NI_NUMBER"),
        ("NI number NP880241A.", "NP880241A", "NI_NUMBER"),
    ],
)
def test_each_kind_of_personal_data_is_redacted_with_its_placeholder(text, surface, kind):
    result = redact(text)
    assert kinds_found(text).get(surface) == kind
    assert surface not in result.text
    assert f"[{kind}]" in result.text


def test_nhs_number_with_a_bad_check_digit_is_not_redacted_as_nhs_number():
    assert kinds_found("My NHS number is 943 476 5919.") == {"943 476 5919": "NHS_NUMBER"}
    assert "NHS_NUMBER" not in kinds_found("My NHS number is 943 476 5918.").values()
    assert "NHS_NUMBER" not in kinds_found("Reference 999 526 0183 on the letter.").values()


def test_national_insurance_number_with_a_prefix_never_issued_is_not_redacted():
    # D, F, I, Q, U and V never start a NI number, and GB, NK, TN, ZZ... are not allocated.
    for text in ("Example number QQ 12 34 56 C.", "Example number GB 12 34 56 A.", "Number DA 12 34 56 B."):
        assert "NI_NUMBER" not in kinds_found(text).values(), text


@pytest.mark.parametrize(
    "text",
    [
        "I rang the GP three mornings running and ended up in A&E.",
        "The damp has made my asthma and COPD worse.",
        "I phoned 111 at two in the morning.",
        "I go to the lunch club in Milton ward on Tuesdays.",
        "Kursaal has really gone downhill.",
        "The Citizens Advice lady helped me with PIP.",
        "The Macmillan nurse and the Samaritans got me through.",
        "Healthwatch came to the centre in Hackney.",
        "I go to Derriford, Homerton and Chelsea and Westminster hospitals.",
        "The walk-in centre in Stonehouse closed, so it's Devonport or nothing.",
        "People in North Kensington and Golborne don't trust the council.",
        "The Church Street market in Westminster is cheaper.",
        "I've got Parkinson's and my husband has Alzheimer's.",
        "The St Luke's area and Queen's Park estate feel forgotten.",
        "I live on Victoria Road and the buses don't stop there any more.",
    ],
)
def test_words_that_are_not_personal_survive(text):
    result = redact(text)
    assert result.spans == ()
    assert result.text == text


@pytest.mark.parametrize(
    "text",
    [
        "Sadly my dad has since passed away.",
        "Both the nurse and the doctor listened.",
        "Saw my child in time, thank you.",
        "Coffee/Tea and biscuits while we waited. Joke!",
        "Southend A&E was rammed again.",
        "Felt rushed. Driver was kind though.",
    ],
)
def test_capitalised_words_opening_a_sentence_are_not_taken_for_names(text):
    assert redact(text).text == text


def test_a_name_typed_in_lower_case_after_a_relation_is_redacted():
    assert redact("my son jamal has been excluded again").text == "my son [NAME] has been excluded again"
    assert redact("my son said he was moving, my son miles away").text == (
        "my son said he was moving, my son miles away"
    )


def test_dates_outside_a_birth_context_are_kept():
    text = "My appointment on 3 April was cancelled, and I've waited since 14/02/2024."
    assert redact(text).text == text


def test_birth_context_makes_a_date_personal_in_either_order():
    assert redact("3/4/1956 is my date of birth.").text == "[DATE_OF_BIRTH] is my date of birth."


def test_keep_district_keeps_the_outward_code_only():
    text = "We're at SS1 2AB, and my sister is at E8 3RH."
    assert (
        redact(text, keep_district=True).text == "We're at SS1 [POSTCODE], and my sister is at E8 [POSTCODE]."
    )
    assert redact(text).text == "We're at [POSTCODE], and my sister is at [POSTCODE]."


def test_spans_point_into_the_original_text_in_order():
    text = "I'm Priya Sharma, ring 07700 900123 or email priya@example.com."
    result = redact(text)
    assert [s.kind for s in result.spans] == ["NAME", "PHONE", "EMAIL"]
    assert [text[s.start : s.end] for s in result.spans] == [
        "Priya Sharma",
        "07700 900123",
        "priya@example.com",
    ]
    assert result.text == "I'm [NAME], ring [PHONE] or email [EMAIL]."


def test_overlapping_findings_are_merged_so_nothing_leaks():
    # The address recogniser and a name recogniser can both claim "Victoria" here.
    text = "Write to Flat 3, 45 Victoria Road please."
    assert redact(text).spans == (RedactedSpan("ADDRESS", 9, 33),)


def test_redact_many_keeps_order_and_matches_redacting_one_by_one():
    texts = ["", "  ", "My name is Elif Aydin.", "Nothing personal here.", "DOB 14/07/1949"] * 8
    batched = redact_many(texts, batch_size=16)
    assert [r.text for r in batched] == [redact(t).text for t in texts]
    assert batched[0].text == "" and batched[1].text == "  "


def test_long_texts_are_redacted_in_pieces_with_offsets_into_the_whole_text():
    sentence = "I rang the GP again. My name is Elif Aydin and my number is 07700 900123.\n"
    text = sentence * 40
    whole = redact(text)
    redactor = default_redactor()
    try:
        redactor.max_chunk_chars = 200
        small_pieces = redactor.redact(text)
    finally:
        redactor.max_chunk_chars = MAX_CHUNK_CHARS
    assert small_pieces == whole
    assert whole.text == "I rang the GP again. My name is [NAME] and my number is [PHONE].\n" * 40
    assert {text[s.start : s.end] for s in small_pieces.spans} == {"Elif Aydin", "07700 900123"}


def test_the_corpus_meets_the_recall_and_keep_targets():
    corpus = load_corpus()
    results = default_redactor().redact_many([item.text for item in corpus], batch_size=128)
    evaluation = evaluate(corpus, [r.spans for r in results])
    recalls = {kind: evaluation.per_kind[kind].recall for kind in PERSONAL_KINDS}
    assert min(recalls.values()) >= 0.95, recalls
    assert evaluation.keep_survival >= 0.95


def test_shipped_ward_list_holds_every_ward_in_the_boundary_files(tmp_path):
    shipped = (ALLOWLIST_DIR / "wards.txt").read_text(encoding="utf-8").splitlines()
    for packed in sorted((GEO_DIR / "wards").glob("*.geojson.gz")):
        (tmp_path / packed.stem).write_bytes(gzip.decompress(packed.read_bytes()))
    expected = ward_names_from_geojson(sorted(tmp_path.glob("*.geojson")))
    assert "Kursaal" in expected and "Milton" in expected
    assert set(expected) <= set(shipped)


def test_building_the_engine_and_redacting_opens_no_network_connection():
    # A fresh interpreter, so loading spaCy, Presidio and tldextract's suffix list all happen under the block.
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise AssertionError("network access attempted")

        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

        from chorus.privacy.redaction import redact
        result = redact("Email amara.okafor@example.com or jo@example.org.uk, I'm Amara.")
        assert result.text == "Email [EMAIL] or [EMAIL], I'm [NAME].", result.text
        print("ok")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "HOME": "/nonexistent"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "ok"
