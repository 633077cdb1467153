from collections import Counter

import pytest

from chorus.privacy.evaluation import (
    CORPUS_PATH,
    HELDOUT_PATH,
    MARKED_SOURCES,
    PERSONAL_KINDS,
    REAL_SPEECH_DEV_PATH,
    REAL_SPEECH_FIRST_HELDOUT_PATH,
    CorpusItem,
    MarkedSpan,
    corpus_jsonl,
    evaluate,
    load_corpus,
    parse_marked,
    read_marked,
)
from chorus.privacy.redaction import RedactedSpan


def nhs_check_digit_is_valid(digits: str) -> bool:
    weighted = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - weighted % 11
    return check != 10 and int(digits[9]) == (0 if check == 11 else check)


def test_parse_marked_gives_offsets_into_the_plain_text():
    item = parse_marked("I'm {NAME:Amara Okafor} from {KEEP:Hackney}, DOB {DOB:3/4/1956}.")
    assert item.text == "I'm Amara Okafor from Hackney, DOB 3/4/1956."
    assert [(s.kind, item.text[s.start : s.end]) for s in item.spans] == [
        ("NAME", "Amara Okafor"),
        ("KEEP", "Hackney"),
        ("DATE_OF_BIRTH", "3/4/1956"),
    ]


def test_parse_marked_rejects_unknown_kinds_and_unbalanced_braces():
    with pytest.raises(ValueError, match="unknown kind"):
        parse_marked("I'm {PET:Rex}")
    with pytest.raises(ValueError, match="unbalanced"):
        parse_marked("I'm {NAME:Amara")


def test_a_span_counts_as_removed_only_when_no_letter_or_digit_is_left():
    item = CorpusItem("at Flat 3, 45 Victoria Road now", (MarkedSpan("ADDRESS", 3, 27),))
    partly = evaluate([item], [[RedactedSpan("ADDRESS", 11, 27)]])  # "Flat 3, " left readable
    assert partly.per_kind["ADDRESS"].removed == 0 and len(partly.misses) == 1
    wrong_kind = evaluate([item], [[RedactedSpan("NAME", 3, 27)]])
    assert wrong_kind.per_kind["ADDRESS"].removed == 1 and wrong_kind.per_kind["ADDRESS"].typed == 0
    assert wrong_kind.precision == 1.0


def test_precision_and_keep_survival_count_redactions_outside_personal_spans():
    item = CorpusItem("Amara saw the GP", (MarkedSpan("NAME", 0, 5), MarkedSpan("KEEP", 14, 16)))
    evaluation = evaluate([item], [[RedactedSpan("NAME", 0, 5), RedactedSpan("NAME", 14, 16)]])
    assert evaluation.precision == 0.5
    assert evaluation.keep_survival == 0.0
    assert evaluation.per_kind["NAME"].recall == 1.0


def test_jsonl_corpora_are_built_from_their_marked_sources():
    assert len(MARKED_SOURCES) == 5
    for marked, jsonl in MARKED_SOURCES:
        assert jsonl.read_text(encoding="utf-8") == corpus_jsonl(read_marked(marked)), jsonl.name


def test_corpus_has_enough_sentences_and_examples_of_every_kind():
    corpus = load_corpus()
    counts = Counter(span.kind for item in corpus for span in item.spans)
    assert len(corpus) >= 300
    assert all(counts[kind] >= 30 for kind in PERSONAL_KINDS), counts
    assert counts["KEEP"] >= 100


def test_corpus_nhs_numbers_all_have_valid_check_digits():
    numbers = [
        "".join(ch for ch in item.text[s.start : s.end] if ch.isdigit())
        for path in (CORPUS_PATH, HELDOUT_PATH, REAL_SPEECH_DEV_PATH, REAL_SPEECH_FIRST_HELDOUT_PATH)
        for item in load_corpus(path)
        for s in item.spans
        if s.kind == "NHS_NUMBER"
    ]
    assert len(numbers) >= 30
    assert all(len(n) == 10 and nhs_check_digit_is_valid(n) for n in numbers)
