import pytest

from chorus.coding import embeddings
from chorus.coding.sentiment import (
    SENTIMENTS,
    SentimentModel,
    default_model,
    parse_label,
    sentences,
    sentiment,
)


def test_shipped_model_gives_the_obvious_sentiment():
    labels = sentiment(
        [
            "The staff were wonderful, thank you so much for everything.",
            "Rude staff and I waited six hours. Appalling.",
            "The staff were lovely and caring. But the wait was far too long and nobody told us anything.",
        ]
    )
    assert labels == ["positive", "negative", "mixed"]


def test_every_text_gets_one_of_the_four_labels_including_empty_ones():
    labels = sentiment(["", "Ok.", "N/A", "Brilliant service", "Terrible", "Good staff but awful food"])
    assert len(labels) == 6
    assert set(labels) <= set(SENTIMENTS)


def test_sentiment_codings_name_the_model():
    (coding,) = default_model().codings(["Lovely nurses"])
    assert coding.theme == "positive" and 0 < coding.confidence <= 1
    assert embeddings.MODEL_VERSION in coding.model_version
    assert "sentiment" in coding.model_name


def test_labels_are_read_from_words_or_the_fft_scale():
    assert [parse_label(v) for v in ["1", "2", "3", "4", "5", "4.0", " Mixed ", "", None]] == [
        "positive",
        "positive",
        "neutral",
        "negative",
        "negative",
        "negative",
        "mixed",
        None,
        None,
    ]
    with pytest.raises(ValueError, match="not one of"):
        parse_label("great")


def test_a_model_fitted_with_mixed_examples_predicts_mixed_as_a_class(tmp_path):
    texts = [
        "Great care",
        "Lovely staff",
        "Awful wait",
        "Rude doctor",
        "Fine",
        "Ok",
        "Great care but awful wait",
        "Lovely staff, rude doctor",
    ] * 3
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral", "mixed", "mixed"] * 3
    model = SentimentModel.fit(texts, labels)
    assert set(model.coder.themes) == set(SENTIMENTS)
    model.save(tmp_path)
    assert SentimentModel.load(tmp_path).predict(["Great care", "Rude doctor"]) == ["positive", "negative"]


def test_sentences_split_on_stops_and_turns():
    assert sentences("Kind staff. Long wait! Food ok but cold") == [
        "Kind staff.",
        "Long wait!",
        "Food ok",
        "cold",
    ]
    assert sentences("") == []
