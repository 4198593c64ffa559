"""Normalization of the five sample captures and of small made-up pages."""

from pathlib import Path

import pytest

from digest.errors import InputError
from digest.extract.normalize import normalize
from digest.records import Capture

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "content" / "articles").glob("*.txt"))
GOLDEN = Path(__file__).resolve().parent / "golden"


def capture(data: bytes | str, kind: str = "txt", slug: str = "page") -> Capture:
    raw = data.encode() if isinstance(data, str) else data
    return Capture(slug=slug, path=Path(f"{slug}.{kind}"), kind=kind, data=raw)  # type: ignore[arg-type]


def sample(slug: str) -> Capture:
    path = ROOT / "content" / "articles" / f"{slug}.txt"
    return Capture(slug=slug, path=path, kind="txt", data=path.read_bytes())


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_sample_normalizes_to_exactly_its_article_paragraphs(path):
    article = normalize(sample(path.stem))
    assert article.text + "\n" == (GOLDEN / f"{path.stem}.txt").read_text(encoding="utf-8")


def test_sample_fields():
    zaman = normalize(sample("zaman-alwasl-russian-soldiers-latakia"))
    assert zaman.title == "Russian soldiers fight along regime forces in Latakia province: activists"
    assert zaman.published == "2016-04-28"
    assert zaman.byline == "Reporting by Abdul Salam Haj Bakri; Translation by Rana Abdul"
    assert zaman.language == "en"
    observer = normalize(sample("syrian-observer-coastal-areas-mourn"))
    assert observer.title == "Pro-Assad Coastal Areas Mourn Dozens of Fighters Killed in Aleppo Battles"
    assert observer.subtitle.startswith("Social media pages announce")
    assert normalize(sample("jni-putin-orders-pullout")).published == "2017-12-11"
    duran = normalize(sample("duran-immortal-regiment-aleppo"))
    assert duran.title == "Syrian Immortal Regiment – 10,000 Syrians march honoring fallen Russians"
    assert "\u00a0" not in duran.text and "¬" not in duran.text




PARAGRAPHS = [
    "The city council voted on Tuesday to expand the bus network, adding three routes that will serve the northern districts from next spring.",
    "Officials said the new lines would cost about four million dollars a year, paid for by a small rise in parking fees in the centre.",
    "“We have waited for this for a decade,” said a resident who takes two buses to reach her job at the hospital every morning.",
    "The plan still needs the approval of the regional transport authority, which is expected to decide before the end of the year.",
]


def made_up_page(*, middle: str = "") -> str:
    menu = "Home\nNews\nSport\nWeather\nContact us\n"
    header = "\nCouncil expands bus network to northern districts\n\nBy Jane Doe\n\nMarch 3, 2021\n\n"
    body = "\n\n".join(PARAGRAPHS[:2]) + "\n\n" + middle + "\n\n".join(PARAGRAPHS[2:])
    footer = "\n\nShare this article\nFacebook\nTwitter\n\nRelated stories\nTrain fares rise again\nNew cycle lanes open\n\nComments (0)\n© 2021 Example News Ltd. All rights reserved.\n"
    return menu + header + body + footer


def test_chrome_around_a_made_up_article_is_dropped_and_fields_found():
    article = normalize(capture(made_up_page()))
    assert article.paragraphs == tuple(PARAGRAPHS)
    assert article.title == "Council expands bus network to northern districts"
    assert article.byline == "Jane Doe"
    assert article.published == "2021-03-03"
    assert article.outlet_claimed == "Example News Ltd"


def test_related_box_and_caption_inside_the_article_are_dropped():
    middle = "Read more\nTrain fares rise again\nNew cycle lanes open\n\nThe new depot in 2020. Photo: City archive\n\n"
    assert normalize(capture(made_up_page(middle=middle))).paragraphs == tuple(PARAGRAPHS)


def test_a_ticker_row_is_not_prose():
    ticker = "Latest:\u00a0\u00a0\u00a0Storm closes schools in the north of the country\u00a0\u00a0\u00a0 Markets rally after a week of losses in Asia\u00a0\u00a0\u00a0 Minister resigns over expenses claims made in 2019\n"
    assert normalize(capture(ticker + made_up_page())).paragraphs == tuple(PARAGRAPHS)


def test_site_disclaimer_and_appeal_after_the_article_are_dropped():
    closing = "\n\nHelp us grow. Support Example News on Patreon!\n\nThe views and opinions expressed in this article are those of the author.\n"
    page = made_up_page().replace("\n\nShare this article", closing + "\nShare this article")
    assert normalize(capture(page)).paragraphs == tuple(PARAGRAPHS)


def test_outlet_hints_drop_lines_and_a_broken_hint_is_ignored():
    article = normalize(capture(made_up_page()), hints=(r"^“We have waited", "(unclosed"))
    assert PARAGRAPHS[2] not in article.paragraphs
    assert len(article.paragraphs) == 3


def test_html_capture_fields_and_text():
    html = f"""<html lang="en"><head><title>Council expands buses | Example News</title>
    <meta property="og:title" content="Council expands bus network">
    <meta property="og:site_name" content="Example News">
    <meta name="author" content="Jane Doe">
    <meta property="article:published_time" content="2021-03-03T10:00:00Z">
    <link rel="canonical" href="https://www.example.org/news/buses"></head>
    <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Council expands bus network</h1>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</article>
    <footer>© 2021 Example News</footer></body></html>"""
    article = normalize(capture(html, kind="html"))
    assert article.paragraphs == tuple(PARAGRAPHS)
    assert (article.title, article.byline, article.published) == ("Council expands bus network", "Jane Doe", "2021-03-03")
    assert (article.url, article.outlet_claimed, article.language) == ("https://www.example.org/news/buses", "Example News", "en")


def test_markdown_capture_is_taken_as_clean():
    markdown = "# Council expands bus network\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
    article = normalize(capture(markdown, kind="md"))
    assert article.title == "Council expands bus network"
    assert article.paragraphs == tuple(PARAGRAPHS)


def test_markdown_front_matter_is_yaml_and_the_body_comes_out_as_text():
    markdown = (
        "---\n"
        'title: "Buses: the council decides"\n'
        "date: 2021-03-03\n"
        "author: >-\n  Jane Doe\n"
        "url: https://example.org/news/buses\n"
        "---\n\n"
        f"{PARAGRAPHS[0]} See [the plan](https://example.org/plan) and *the map*.\n\n"
        "- First new line to the hospital\n"
        "- Second line, with `night` service\n\n"
        "1. Fares stay the same\n"
    )
    article = normalize(capture(markdown, kind="md"))
    assert (article.title, article.published, article.byline) == ("Buses: the council decides", "2021-03-03", "Jane Doe")
    assert article.url == "https://example.org/news/buses"
    assert article.paragraphs == (
        f"{PARAGRAPHS[0]} See the plan and the map.",
        "First new line to the hospital",
        "Second line, with night service",
        "Fares stay the same",
    )


def test_bad_markdown_front_matter_is_reported_at_its_line():
    with pytest.raises(InputError, match="front matter: invalid YAML: YAML aliases") as raised:
        normalize(capture("---\ntitle: ok\nauthor: *someone\n---\n\n" + PARAGRAPHS[0], kind="md"))
    assert (raised.value.line, raised.value.column) == (3, 9)


@pytest.mark.parametrize(("data", "message"), [(b"", "empty"), (b"GIF89a\x00\x01\x00", "binary"), (b"Home\nNews\n", "no article")])
def test_unusable_captures_raise_input_error(data, message):
    with pytest.raises(InputError, match=message):
        normalize(capture(data))
