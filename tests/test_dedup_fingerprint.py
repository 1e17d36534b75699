"""Body fingerprints and edit summaries."""

from __future__ import annotations

from newswatch.dedup import content_fingerprint, diff_summary

BODY = (
    "The Belgian Chamber of Representatives voted unanimously on Thursday for a resolution on "
    "Nagorno-Karabakh.\n"
    "Deputies asked Azerbaijan to free Armenian prisoners and to admit a UNESCO mission to "
    "assess damage to churches and monuments in the region."
)


def test_same_body_with_markup_and_whitespace_matches() -> None:
    html = (
        "<div><p>The  Belgian Chamber of Representatives voted <b>unanimously</b> on Thursday "
        "for a resolution on Nagorno&#8209;Karabakh.</p>\n<p>Deputies asked Azerbaijan to free "
        "Armenian prisoners and to admit a UNESCO mission to assess damage to churches and "
        "monuments in the region.</p><p>Share</p></div>"
    )
    assert content_fingerprint("T", html) == content_fingerprint("T", BODY)


def test_case_punctuation_and_boilerplate_lines_are_ignored() -> None:
    noisy = BODY.upper().replace(".", " !") + "\nRead more\nShare this article\n"
    assert content_fingerprint(None, noisy) == content_fingerprint(None, BODY)


def test_headline_change_does_not_change_long_body_fingerprint() -> None:
    long_body = BODY + "\n" + BODY.replace("Thursday", "the same day")
    assert content_fingerprint("A", long_body) == content_fingerprint("B", long_body)


def test_different_bodies_differ() -> None:
    other = BODY.replace("unanimously", "by a large majority")
    assert content_fingerprint(None, other) != content_fingerprint(None, BODY)


def test_empty_text_has_no_fingerprint() -> None:
    assert content_fingerprint("Title", "") is None
    assert content_fingerprint("Title", "  \n<p> </p>\n") is None


def test_short_teasers_with_same_stock_line_do_not_collide() -> None:
    teaser = "Watch the full report on our channel."
    assert content_fingerprint("Mine blast in Kalbajar", teaser) != content_fingerprint(
        "Border talks in Gabala", teaser
    )


def test_diff_summary_reports_title_and_word_changes() -> None:
    new_text = BODY.replace("unanimously", "by 120 votes to none") + " The text is not binding."
    got = diff_summary("Old headline", "New headline", BODY, new_text)
    assert got["title_changed"] and got["text_changed"]
    assert got["words_removed"] == 1
    assert got["words_added"] == 5 + 5
    assert any(
        line.startswith("+") and "by 120 votes to none on Thursday" in line for line in got["diff"]
    )
    assert any(line.startswith("-") and "unanimously" in line for line in got["diff"])


def test_diff_summary_is_bounded() -> None:
    old = "\n".join(f"Sentence number {i} about the same story." for i in range(2000))
    new = "\n".join(f"Rewritten sentence {i} about another story." for i in range(2000))
    got = diff_summary("t", "t", old, new)
    assert got["truncated"] and not got["title_changed"]
    assert len(got["diff"]) <= 40 and sum(map(len, got["diff"])) <= 4000


def test_diff_summary_of_unchanged_text() -> None:
    got = diff_summary("t", "t", BODY, "  " + BODY.replace(" ", "  "))
    assert not got["text_changed"] and got["words_added"] == got["words_removed"] == 0
    assert got["diff"] == []
