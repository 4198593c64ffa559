from digest.attribution import Attribution, attribute
from digest.editorial import enrich, load_editorial, load_outlets
from digest.schemas import SidecarModel
from digest.validation import load_and_validate
from digest.records import NormalizedArticle


def test_outlets_load_and_a_bad_profile_is_reported_at_its_line(make_content):
    content = make_content(
        {
            "outlets.yml": """
            good:
              name: Good News
              domains: [www.good.example]
              rating: high
            bad:
              name: Bad News
              rating: excellent
            """
        }
    )
    outlets, problems = load_outlets(content / "outlets.yml")
    assert list(outlets) == ["good"]
    assert outlets["good"].domains == ("good.example",)
    assert len(problems) == 1
    assert problems[0].line == 7 and "rating" in problems[0].message


def test_missing_outlets_and_digest_files_build_an_empty_editorial_layer(make_content):
    content = make_content({})
    editorial = load_editorial(content)
    assert editorial.outlets == {} and editorial.problems == ()
    assert editorial.digest.title == "Research digest"


def test_sidecar_unknown_key_gets_did_you_mean_and_position(make_content):
    content = make_content({"articles/a.yml": "title: A\nsumary: oops\n"})
    sidecar, problems = load_and_validate(SidecarModel, content / "articles" / "a.yml")
    assert sidecar is None
    assert (problems[0].line, problems[0].column) == (2, 1)
    assert "did you mean 'summary'" in problems[0].message


def test_editors_outlet_resolves_by_id_domain_or_name_and_unknown_outlets_keep_a_name(make_content):
    content = make_content({"outlets.yml": "wire:\n  name: The Wire\n  domains: [wire.example]\n"})
    outlets, _ = load_outlets(content / "outlets.yml")

    def editors(outlet):
        attribution = attribute(SidecarModel(outlet=outlet), "0" * 64, outlets)
        return attribution.outlet_id, attribution.outlet_name, attribution.source

    assert editors("wire") == ("wire", "The Wire", "editor")
    assert editors("www.wire.example") == ("wire", "The Wire", "editor")
    assert editors("the wire") == ("wire", "The Wire", "editor")
    assert editors("other.example")[1:] == ("other.example", "editor")
    assert editors(None) == (None, None, None)


def test_sidecar_values_win_over_normalization(make_content):
    content = make_content(
        {"articles/a.yml": "title: Editor title\npublished: 2020-01-02\nsummary: '*Short*'\nsummary_status: reviewed\ntags: [x]\nrelated: {pin: [b], drop: [c]}\n"}
    )
    sidecar, problems = load_and_validate(SidecarModel, content / "articles" / "a.yml")
    assert problems == []
    normalized = NormalizedArticle(slug="a", paragraphs=("Body.",), title="Page title", published="2019-01-01", outlet_claimed="x.example")
    article = enrich(normalized, sidecar, Attribution())
    assert (article.title, article.published, article.summary_status) == ("Editor title", "2020-01-02", "reviewed")
    assert article.overrides.pin_related == ("b",) and article.overrides.drop_related == ("c",)
    assert (article.outlet_id, article.outlet_claimed) == (None, "x.example")  # a page's claim is no attribution


def test_summary_without_status_counts_as_draft():
    from digest.schemas import SidecarModel

    article = enrich(NormalizedArticle(slug="a", paragraphs=("p",)), SidecarModel(summary="text"), Attribution())
    assert article.summary_status == "draft"


def test_an_outlet_hint_that_is_not_a_valid_regular_expression_is_reported(make_content):
    content = make_content({"outlets.yml": "o:\n  name: O\n  hints:\n    - '^Share$'\n    - '(unclosed'\n"})
    outlets, problems = load_outlets(content / "outlets.yml")
    assert outlets == {}
    assert len(problems) == 1 and "not a valid RE2 regular expression (missing )" in problems[0].message
    assert problems[0].line == 5


def test_an_outlets_file_that_links_outside_the_content_folder_is_not_followed(make_content, tmp_path):
    secret = tmp_path / "secret.yml"
    secret.write_text("leak:\n  name: Secret\n")
    content = make_content({})
    (content / "outlets.yml").symlink_to(secret)
    editorial = load_editorial(content)
    assert editorial.outlets == {}
    assert len(editorial.problems) == 1 and "symbolic link" in editorial.problems[0].message
