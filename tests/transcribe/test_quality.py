from chorus.transcribe.quality import word_error_rate, words


def test_words_ignore_case_and_punctuation_but_keep_contractions():
    assert words("The GP's surgery — closed, didn't open!") == [
        "the",
        "gp's",
        "surgery",
        "closed",
        "didn't",
        "open",
    ]


def test_word_error_rate_counts_substitutions_deletions_and_insertions():
    said = "the bus only comes once an hour"
    assert word_error_rate([(said, said)]) == 0
    assert word_error_rate([(said, "the bus comes once an hour")]) == 1 / 7  # a deletion
    assert (
        word_error_rate([(said, "the bus only come once a an hour")]) == 2 / 7
    )  # a substitution, an insertion
