"""The corpus signal: lines an outlet prints on several of its captures are chrome.

Each outlet below has three captures that share their chrome (a menu, an appeal that reads like
prose, a footer) and differ in their articles, in English (built on a sample capture), Arabic and
Russian. A single page cannot tell the appeal from the article; the outlet's other captures can.
"""

from pathlib import Path

import pytest
from test_normalize import GOLDEN, capture, sample

from digest.cache import NormalizationCache
from digest.extract.normalize import normalize
from digest.extract.recurring import line_key, recurring_lines
from digest.editorial import load_editorial
from digest.pipeline import assemble_digest, chrome_group, read_sidecar
from digest.records import NormalizedArticle

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "content" / "articles"

ARABIC = {
    "menu": "الرئيسية\nأخبار\nسياسة\nاقتصاد\nاتصل بنا",
    "appeal": "ساعدونا على الاستمرار في تقديم الأخبار المستقلة لقرائنا في كل مكان، فكل تبرع مهما كان صغيرا يصنع فرقا كبيرا في عملنا اليومي.",
    "footer": "جميع الحقوق محفوظة لموقع الأخبار العربية",
    "articles": [
        [
            "أعلن مجلس المدينة يوم الثلاثاء عن خطة جديدة لتوسيع شبكة الحافلات في الأحياء الشمالية التي طالما اشتكى سكانها من ضعف الخدمة.",
            "وقال المسؤولون إن الخطوط الجديدة ستكلف نحو أربعة ملايين دولار سنويا، وستمول من زيادة صغيرة في رسوم مواقف السيارات في وسط المدينة.",
        ],
        [
            "افتتحت وزارة الصحة مستشفى جديدا في المحافظة الجنوبية يضم مئتي سرير وقسما للطوارئ يعمل على مدار الساعة طوال أيام الأسبوع.",
            "وأوضح الوزير أن المستشفى سيخدم أكثر من نصف مليون نسمة، وأن العمل جار على تجهيز مركز للأبحاث الطبية في المبنى نفسه.",
        ],
        [
            "شهدت الأسواق المحلية ارتفاعا ملحوظا في أسعار الخضار والفواكه خلال الأسبوع الماضي بسبب موجة الحر التي ضربت المنطقة الزراعية.",
            "ويتوقع التجار أن تعود الأسعار إلى مستوياتها الطبيعية مع بداية الشهر المقبل، بعد وصول شحنات جديدة من المحافظات الأخرى.",
        ],
    ],
}
RUSSIAN = {
    "menu": "Главная\nНовости\nПолитика\nЭкономика\nКонтакты",
    "appeal": "Поддержите независимую журналистику: каждое пожертвование, даже самое небольшое, помогает нам рассказывать вам о том, что происходит на самом деле.",
    "footer": "Все права защищены. Перепечатка материалов только с разрешения редакции",
    "articles": [
        [
            "Городской совет во вторник утвердил план расширения автобусной сети, добавив три маршрута в северные районы, жители которых давно жаловались на транспорт.",
            "По словам чиновников, новые линии будут стоить около четырёх миллионов рублей в год и будут оплачены за счёт небольшого повышения платы за парковку.",
        ],
        [
            "В южной области открылась новая больница на двести коек с отделением неотложной помощи, которое будет работать круглосуточно и без выходных.",
            "Министр пояснил, что больница будет обслуживать более полумиллиона жителей, а в том же здании готовится к открытию медицинский исследовательский центр.",
        ],
        [
            "На местных рынках на прошлой неделе заметно выросли цены на овощи и фрукты из-за жары, которая ударила по сельскохозяйственным районам региона.",
            "Торговцы ожидают, что цены вернутся к обычному уровню в начале следующего месяца, когда прибудут новые поставки из других областей страны.",
        ],
    ],
}


def outlet_pages(outlet: dict) -> list[str]:
    """Three captures of one outlet: the same chrome around different articles."""
    return [
        outlet["menu"] + "\n\n" + "\n\n".join(article) + "\n\n" + outlet["appeal"] + "\n\n" + outlet["footer"] + "\n"
        for article in outlet["articles"]
    ]


def normalized_with_corpus_signal(pages: list[str]) -> list[tuple[str, ...]]:
    captures = [capture(page, slug=f"page-{index}") for index, page in enumerate(pages)]
    found = recurring_lines(captures, {c.slug: "outlet" for c in captures})
    return [normalize(c, recurring=found[c.slug]).paragraphs for c in captures]


@pytest.mark.parametrize("outlet", [ARABIC, RUSSIAN], ids=["arabic", "russian"])
def test_an_appeal_every_capture_of_an_outlet_repeats_is_dropped_in_any_language(outlet):
    pages = outlet_pages(outlet)
    alone = normalize(capture(pages[0])).paragraphs
    assert outlet["appeal"] in alone  # one page alone cannot tell the appeal from the article
    for paragraphs, article in zip(normalized_with_corpus_signal(pages), outlet["articles"]):
        assert paragraphs == tuple(article)


def test_lines_repeated_by_fewer_captures_or_by_another_outlet_are_not_chrome():
    pages = outlet_pages(RUSSIAN)
    captures = [capture(page, slug=f"page-{index}") for index, page in enumerate(pages)]
    two_outlets = {"page-0": "a", "page-1": "a", "page-2": "b"}
    assert all(not lines for lines in recurring_lines(captures, two_outlets).values())
    unknown_outlet = {"page-0": None, "page-1": None, "page-2": None}
    assert recurring_lines(captures, unknown_outlet) == {}
    found = recurring_lines(captures, {c.slug: "a" for c in captures})
    assert line_key(RUSSIAN["appeal"]) in found["page-0"]
    assert line_key(RUSSIAN["articles"][0][0]) not in found["page-0"]


def test_the_sample_digest_keeps_its_golden_articles_with_the_corpus_signal():
    """The sample's five captures come from five outlets: nothing recurs, and nothing is lost."""
    captures = [sample(path.stem) for path in sorted(SAMPLE_DIR.glob("*.txt"))]
    outlets = load_editorial(ROOT / "content").outlets
    found = recurring_lines(captures, {c.slug: chrome_group(c, read_sidecar(c, outlets)) for c in captures})
    assert not any(found.values())
    for item in captures:
        article = normalize(item, recurring=found.get(item.slug, frozenset()))
        assert article.text + "\n" == (GOLDEN / f"{item.slug}.txt").read_text(encoding="utf-8")


def test_a_sample_outlets_appeal_is_dropped_once_the_digest_holds_more_of_its_captures(make_content):
    """Zaman al-Wasl's capture with two more of its pages: the same masthead and an appeal around
    other articles. The appeal goes; the article stays exactly its golden text."""
    original = (SAMPLE_DIR / "zaman-alwasl-russian-soldiers-latakia.txt").read_text(encoding="utf-8")
    golden = (GOLDEN / "zaman-alwasl-russian-soldiers-latakia.txt").read_text(encoding="utf-8")
    appeal = (
        "Zaman al-Wasl is an independent newsroom that relies on its readers: if you value our reporting, "
        "please consider supporting our work with a monthly contribution."
    )
    last = golden.strip().split("\n\n")[-1]
    with_appeal = original.replace(last, last + "\n\n" + appeal)
    others = [with_appeal, with_appeal]
    for index, paragraph in enumerate(golden.strip().split("\n\n")):
        assert paragraph in original
        for number in range(2):
            other = f"Another report, number {number}, tells its own story in its paragraph {index}, as every article does on this site."
            others[number] = others[number].replace(paragraph, other)
    sidecar = "outlet: zaman-al-wasl\n"
    content = make_content(
        {
            "articles/zaman.txt": with_appeal,
            "articles/zaman.yml": sidecar,
            "articles/other-1.txt": others[0],
            "articles/other-1.yml": sidecar,
            "articles/other-2.txt": others[1],
            "articles/other-2.yml": sidecar,
        }
    )
    digest, _ = assemble_digest(content)
    by_slug = {article.id: article for article in digest.articles}
    assert appeal in normalize(capture(with_appeal)).paragraphs  # the page alone keeps it...
    assert appeal not in by_slug["zaman"].paragraphs  # ...the digest drops it
    assert "\n\n".join(by_slug["zaman"].paragraphs) + "\n" == golden


def test_the_cache_entry_follows_the_outlet_lines_a_capture_contains(tmp_path):
    page = capture("text", slug="a")
    article = NormalizedArticle(slug="a", paragraphs=("p",))
    cache = NormalizationCache(tmp_path)
    cache.put(page, article, recurring=frozenset())
    assert NormalizationCache(tmp_path).get(page, recurring=frozenset()) == article
    assert NormalizationCache(tmp_path).get(page, recurring=frozenset({line_key("Support us")})) is None
