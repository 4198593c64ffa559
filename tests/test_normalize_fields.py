"""Date, byline and language parsing used by every capture reader."""

import pytest

from digest.extract.article_fields import guess_language, parse_byline, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("| 2016-04-28 13:49:48", "2016-04-28"),
        ("Syrian President Assad and Putin at War-Ending ceremony, Dec. 11, 2017", "2017-12-11"),
        ("Updated: 18 Nov 2019, 19:11", "2019-11-18"),
        ("Posted by M. Smith on November 19, 2019, 6:21 AM EST", "2019-11-19"),
        ("the 3rd of March, 2021", "2021-03-03"),
        ("Sept 9 2019", "2019-09-09"),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2019-02-30", "no date here", "Top 10 of 2019", "Established 2005 - Homs"])
def test_parse_date_rejects_non_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("by Tom Krisher, AP Auto Writer", "Tom Krisher, AP Auto Writer"),
        ("(Reporting by Abdul Salam Haj Bakri; Translation by Rana Abdul)", "Reporting by Abdul Salam Haj Bakri; Translation by Rana Abdul"),
        ("Written by Jane Doe.", "Written by Jane Doe"),
    ],
)
def test_parse_byline(line, credit):
    assert parse_byline(line) == credit


@pytest.mark.parametrize("line", ["By observing the Facebook pages of pro-regime media outlets, it appears that most loyalist towns and villages in the coastal province have suffered a loss in the fighting, with even the smallest of villages mourning fighters.", "Bylines matter", "By 2020"])
def test_parse_byline_rejects_prose(line):
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The council voted on Tuesday to expand the bus network in the north of the city.", "en"),
        ("Le conseil a voté mardi pour étendre le réseau de bus dans le nord de la ville et pour les écoles.", "fr"),
        ("Der Rat hat am Dienstag beschlossen, das Busnetz im Norden der Stadt auszubauen, und das ist gut.", "de"),
        ("Совет во вторник проголосовал за расширение автобусной сети.", "ru"),
        ("صوت المجلس يوم الثلاثاء على توسيع شبكة الحافلات", "ar"),
        ("Kindle書籍を読む場合は、一般的にスマホで読むことが多いと思います。", "ja"),
    ],
)
def test_guess_language(text, language):
    assert guess_language(text) == language
