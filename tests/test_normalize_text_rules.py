"""Rules of plain-text article extraction, each on a small made-up page."""

import pytest

from test_normalize import PARAGRAPHS, capture, made_up_page

from digest.extract.normalize import normalize
from digest.extract.settings import DEFAULT_TEXT_SETTINGS
from digest.extract.text_extraction import _ends_article, page_lines, prose_score

COMMENTS = [
    "I have taken the number twelve bus for years and it is always late, so I hope the new routes come with more drivers as well.",
    "Parking fees are already too high in the centre and this will only push more shoppers to the malls outside the city, which is a shame.",
    "Great news for the northern districts, it was about time somebody at the council remembered that people live there too and need buses.",
]


def test_reader_comments_after_the_article_are_dropped():
    thread = "".join(f"\n\nreader{i} says:\nMarch {3 + i}, 2021 at 9:1{i} am\n\n{comment}\n\nReply" for i, comment in enumerate(COMMENTS))
    page = made_up_page().replace("\n\nShare this article", thread + "\n\nShare this article")
    assert normalize(capture(page)).paragraphs == tuple(PARAGRAPHS)


def test_teasers_with_relative_timestamps_after_the_article_are_dropped():
    teasers = "".join(
        f"\n\nHeadline of another story number {i}\n\nA teaser sentence that sums up another story on the site in one line, number {i}.\n\n{i}H ago"
        for i in range(1, 4)
    )
    page = made_up_page().replace("\n\nShare this article", "\n\nWorld\nMore in World" + teasers + "\n\nShare this article")
    assert normalize(capture(page)).paragraphs == tuple(PARAGRAPHS)


def test_an_article_cut_in_two_by_a_related_box_is_kept_whole():
    first = [
        "The city council voted on Tuesday to add three bus routes to the northern districts, where residents have long asked for a better service.",
        "The new bus routes will run every ten minutes at peak hours and connect the districts to the hospital, the university and the station.",
    ]
    second = [
        "The council said the routes would cost four million dollars a year, and that the buses would be bought from a local maker by the spring.",
        "Residents of the northern districts welcomed the vote, though some said the council should also add night buses on the new routes.",
    ]
    box = "Related\nTrain fares rise again after a year of delays\nNew cycle lanes open in the old town\nRelated\nMayor opens the new central library\nStorm closes schools\n\n"
    page = "Home\nNews\n\nCouncil adds bus routes\n\n" + "\n\n".join(first) + "\n\n" + box + "\n\n".join(second) + "\n\nShare this article\nFacebook\n"
    assert normalize(capture(page)).paragraphs == tuple(first + second)


def test_a_short_label_ending_in_a_colon_can_end_the_article():
    pitch = (
        "Sign up for our free weekly newsletter and get the best stories of the week delivered straight to your inbox, "
        "with puzzles, recipes and offers from our partners that you will not find anywhere else online."
    )
    promo = "\n\nShare this:\nFacebook\nTwitter\nEmail\n\n" + pitch + "\n\n" + pitch + "\n"
    page = made_up_page().replace("\n\nShare this article", promo + "\nShare this article")
    assert normalize(capture(page)).paragraphs == tuple(PARAGRAPHS)


def test_a_list_announced_by_a_line_ending_in_a_colon_is_kept():
    rows = ["Route 12 – North Park to Central Station", "Route 14 – Hill Road to the hospital", "Route 19 – Old Mill to the university"]
    table = "\n\nThe three new routes:\n" + "\n".join(rows)
    page = made_up_page().replace("\n\nShare this article", table + "\n\nShare this article")
    assert normalize(capture(page)).paragraphs == (*PARAGRAPHS, "The three new routes:", *rows)


@pytest.mark.parametrize("line", [
    "Поделиться", "Комментарии (12)", "Читайте также", "Подписывайтесь на нашу рассылку",
    "شارك", "التعليقات", "اقرأ أيضا", "جميع الحقوق محفوظة",
])
def test_arabic_and_russian_interface_lines_end_an_article_as_english_ones_do(line):
    """The interface vocabulary holds the common words of the digest's three languages."""
    [parsed] = page_lines(line)
    assert _ends_article(parsed, DEFAULT_TEXT_SETTINGS)
    assert prose_score(parsed) <= -DEFAULT_TEXT_SETTINGS.end_of_article


@pytest.mark.parametrize("line", ["Реклама", "Фото: пресс-служба", "إعلان", "المزيد من الصور"])
def test_arabic_and_russian_furniture_lines_score_as_furniture(line):
    [parsed] = page_lines(line)
    assert prose_score(parsed) < 0
