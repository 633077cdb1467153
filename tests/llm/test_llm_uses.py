"""Naming, summarising and coding with the external model: what is sent is redacted, what comes back is
checked, and every failure leaves the local result with a message. A real local server plays the model."""

import pytest

from chorus.coding.codebook import Codebook, Theme
from chorus.llm import (
    ChatClient,
    GroupName,
    LLMConfig,
    ThemeSummary,
    appears_verbatim,
    code_contributions,
    name_group,
    summarise_theme,
)

# Residents' words as they might arrive, with who they are in them.
CONTRIBUTIONS = [
    (
        "101",
        "My name is Margaret Okafor and since the chemist on Hamlet Court Road closed I wait two weeks "
        "for my prescription. Ring me on 07700 900456.",
    ),
    (
        "102",
        "Dave Whitmore here, the pharmacy in Westcliff shut so my mum cannot get her tablets. "
        "Email dave.whitmore@example.co.uk",
    ),
    ("103", "I am Tomasz Nowak. No pharmacy left on our high street,   the queue at Boots is an hour long."),
    ("104", "The bus to the hospital only runs twice a day now. Call Priya Sharma on 07700 900789."),
]
PERSONAL = [
    "Margaret",
    "Okafor",
    "07700 900456",
    "900456",
    "Dave",
    "Whitmore",
    "dave.whitmore@example.co.uk",
    "Tomasz",
    "Nowak",
    "Priya",
    "Sharma",
    "900789",
]
TEXTS = [text for _, text in CONTRIBUTIONS]
CODEBOOK = Codebook(
    "Southend",
    [
        Theme("access", "Access to services"),
        Theme(
            "access/pharmacy",
            "Pharmacy",
            "Chemists and prescriptions.",
            ["Ask Jean Brown at the chemist"],
            "access",
        ),
        Theme("access/bus", "Bus", "Getting to appointments by public transport.", parent_id="access"),
        Theme("mental-health", "Mental health", "Feeling low, anxiety, support."),
    ],
)
LOCAL_NAME = GroupName("Pharmacy, chemist, prescription")


def test_a_group_is_named_with_provenance(server, client):
    result = name_group(client, TEXTS[:3], local=LOCAL_NAME, key_terms=["pharmacy", "chemist"])

    assert not result.used_local
    assert result.value == GroupName("Concerns about pharmacy", "Residents raise pharmacy, chemist.")
    assert result.provenance.model == "llama3.2:3b"
    assert result.provenance.host == server.url.split("/")[2]
    assert result.message.startswith("Named by llama3.2:3b at 127.0.0.1:")
    assert server.received[0].user_document["key_terms"] == ["pharmacy", "chemist"]


def test_nothing_that_identifies_a_resident_reaches_the_model(server, client):
    name_group(client, TEXTS, local=LOCAL_NAME, key_terms=["pharmacy"])
    summarise_theme(client, "Pharmacy", CONTRIBUTIONS)
    code_contributions(client, CODEBOOK, CONTRIBUTIONS)

    assert len(server.received) == 3
    for request in server.received:
        sent = request.raw
        assert [word for word in PERSONAL if word in sent] == []
        assert "[NAME]" in sent and "[PHONE]" in sent  # the texts went, redacted
    assert "[EMAIL]" in server.received[0].raw
    assert "Jean Brown" not in server.received[2].raw  # codebook examples are residents' words too
    assert all("101" not in request.raw for request in server.received)  # no Chorus ids either


def test_a_summary_keeps_only_quotes_found_word_for_word_in_their_contribution(server, client):
    result = summarise_theme(client, "Pharmacy", CONTRIBUTIONS[:3])

    assert not result.used_local
    assert result.value.summary == "Residents describe pharmacy in 3 comments."
    assert [quote.source for quote in result.value.quotes] == ["101", "102"]
    # Words from the redacted text, with the server's doubled spaces normalised.
    assert result.value.quotes[0].text == "My name is [NAME] and since the chemist"
    sent = {comment["id"]: comment["text"] for comment in server.received[0].user_document["comments"]}
    assert appears_verbatim(result.value.quotes[0].text, sent["1"])
    assert appears_verbatim(result.value.quotes[1].text, sent["2"])
    assert result.refused == ()
    assert result.provenance.model == "llama3.2:3b"


def test_a_quote_that_is_not_verbatim_is_refused(server, client):
    server.script = ["not-verbatim"]

    result = summarise_theme(client, "Pharmacy", CONTRIBUTIONS[:3])

    assert not result.used_local
    assert result.value.quotes == ()
    assert result.refused == (
        "quote 1: not found word for word in comment 1",
        "quote 2: not found word for word in comment 2",
    )
    assert "2 quotes refused" in result.message
    assert result.value.summary  # the summary itself is kept, with its provenance
    assert result.provenance is not None


def test_verbatim_means_after_whitespace_normalisation_only():
    source = "The chemist on  Hamlet Court Road\nclosed. I am [NAME]."
    assert appears_verbatim("chemist on Hamlet Court Road closed.", source)
    assert appears_verbatim("  chemist   on\tHamlet ", source)
    assert not appears_verbatim("Chemist on Hamlet Court Road", source)  # case counts
    assert not appears_verbatim("chemist on Hamlet Court Rd", source)
    assert not appears_verbatim("closed I am", source)  # punctuation counts
    assert not appears_verbatim("I am Margaret Okafor", source)  # the unredacted words are not in it
    assert not appears_verbatim("   ", source)


def test_contributions_are_coded_with_codebook_themes(server, client):
    result = code_contributions(client, CODEBOOK, CONTRIBUTIONS, local={"104": ["mental-health"]})

    assert not result.used_local
    assert result.value == {
        "101": (),
        "102": ("access/pharmacy",),
        "103": ("access/pharmacy",),
        "104": ("access/bus",),
    }
    assert result.local_keys == frozenset()
    sent_themes = server.received[0].user_document["themes"]
    assert [theme["id"] for theme in sent_themes] == ["access/pharmacy", "access/bus", "mental-health"]
    assert result.provenance.model == "llama3.2:3b"


def test_theme_ids_not_in_the_codebook_are_refused(server, client):
    server.script = ["unknown-theme"]

    result = code_contributions(client, CODEBOOK, CONTRIBUTIONS)

    assert all("made-up-theme" not in themes for themes in result.value.values())
    assert result.value["102"] == ("access/pharmacy",)
    assert len(result.refused) == 4
    assert "theme 'made-up-theme' is not in the codebook" in result.message


def test_a_failed_batch_keeps_its_local_coding_and_says_so(server, client):
    many = [(str(number), f"The pharmacy on street {number} closed early.") for number in range(25)]
    local = {"24": ["access/bus"]}
    server.script = ["good", "bad-json"]

    result = code_contributions(client, CODEBOOK, many, local=local, redact=_no_redaction)

    assert len(server.received) == 2
    assert not result.used_local
    assert all(result.value[str(number)] == ("access/pharmacy",) for number in range(20))
    assert result.value["24"] == ("access/bus",) and result.value["23"] == ()
    assert result.local_keys == frozenset(str(number) for number in range(20, 25))
    assert "5 contribution(s) kept their local coding" in result.message
    assert "did not answer in JSON" in result.message


FAILURES = [
    ("bad-json", "did not answer in JSON"),
    ("bad-body", "sent a body that is not JSON"),
    ("wrong-shape", "answer had not the expected shape (“"),
    ("content-filter", "refused to answer (its content filter)"),
    ("filter-400", "refused the request (its content filter)"),
    ("error-500", "answered HTTP 500"),
    ("oversize", "larger than 1,000,000 bytes"),
    ("slow", "did not answer within 0.5 seconds"),
]


@pytest.mark.parametrize(("behaviour", "words"), FAILURES)
def test_each_failure_leaves_the_local_result_with_a_clear_message(server, behaviour, words):
    server.script = [behaviour]
    client = ChatClient(LLMConfig(url=server.url, model="m", timeout=0.5), max_retries=0)
    local_summary = ThemeSummary("Seven people mention pharmacies closing.")

    named = name_group(client, TEXTS, local=LOCAL_NAME, redact=_no_redaction)
    server.script = [behaviour]
    summary = summarise_theme(client, "Pharmacy", CONTRIBUTIONS, local=local_summary, redact=_no_redaction)
    server.script = [behaviour]
    coded = code_contributions(
        client, CODEBOOK, CONTRIBUTIONS, local={"101": ["access/pharmacy"]}, redact=_no_redaction
    )

    for result in (named, summary, coded):
        assert result.used_local
        assert result.provenance is None
        assert words in result.message
    assert named.value == LOCAL_NAME and named.message.endswith("The local name was kept.")
    assert summary.value == local_summary and summary.message.endswith("The local summary was kept.")
    assert coded.value == {"101": ("access/pharmacy",), "102": (), "103": (), "104": ()}
    assert coded.message.endswith("The local coding was kept.")


def test_an_unreachable_model_leaves_the_local_name():
    client = ChatClient(LLMConfig(url="http://127.0.0.1:9/v1", model="m", timeout=1))

    result = name_group(client, TEXTS, local=LOCAL_NAME, redact=_no_redaction)

    assert result.used_local and result.value == LOCAL_NAME
    assert result.message.startswith("Could not reach the external model at 127.0.0.1:9")


def _no_redaction(texts: list[str]) -> list[str]:
    """For tests about failures only: the texts hold no personal data, and spaCy need not load again."""
    return texts
