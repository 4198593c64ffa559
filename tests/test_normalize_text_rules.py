"""Rules of plain-text article extraction, each on a small made-up page."""

from test_normalize import PARAGRAPHS, capture, made_up_page

from digest.normalize import normalize

COMMENTS = [
    "I have taken the number twelve bus for years and it is always late, so I hope the new routes come with more drivers as well.",
    "Parking fees are already too high in the centre and this will only push more shoppers to the malls outside the city, which is a shame.",
    "Great news for the northern districts, it was about time somebody at the council remembered that people live there too and need buses.",
]


def test_reader_comments_after_the_article_are_dropped():
    thread = "".join(f"\n\nreader{i} says:\nMarch {3 + i}, 2021 at 9:1{i} am\n\n{comment}\n\nReply" for i, comment in enumerate(COMMENTS))
    page = made_up_page().replace("\n\nShare this article", thread + "\n\nShare this article")
    assert normalize(capture(page)).paragraphs == tuple(PARAGRAPHS)
