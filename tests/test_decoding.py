import codecs

import ftfy
import pytest

from digest.extract import decoding
from digest.extract.decoding import decode
from digest.errors import InputError

PROSE = "The café served “crème brûlée” to the délégués — a naïve touch, wasn’t it? "


def test_utf8_passes_through_with_typographic_quotes_kept():
    assert decode("“Quoted” — it’s fine".encode()) == "“Quoted” — it’s fine"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom(encoding):
    assert decode("Hello wörld, “quoted”.\n".encode(encoding)) == "Hello wörld, “quoted”.\n"


def test_utf8_bom_is_dropped():
    assert decode(codecs.BOM_UTF8 + "Plain text.".encode()) == "Plain text."


def test_windows_1252():
    assert decode((PROSE * 3).encode("cp1252")) == PROSE * 3


def test_windows_1256_arabic():
    arabic = "مرحبا بالعالم، هذا نص عربي طويل بما فيه الكفاية للكشف عن الترميز الصحيح"
    assert decode(arabic.encode("cp1256")) == arabic


def test_mac_roman_no_break_space_mojibake_is_repaired_next_to_curly_quotes():
    text = decode("They held an “Immortal Regiment”, a solemn¬†procession.".encode())
    assert text == "They held an “Immortal Regiment”, a solemn\u00a0procession."


def test_utf8_read_as_windows_1252_is_repaired():
    import ftfy.bad_codecs  # noqa: F401 - registers the codec browsers use for Windows-1252

    mojibake = "It’s a “test”".encode().decode("sloppy-windows-1252")
    assert mojibake.startswith("Itâ€")
    assert decode(mojibake.encode()) == "It’s a “test”"


@pytest.mark.parametrize("data", [b"", b"  \n\t"])
def test_empty_input_is_refused(data):
    with pytest.raises(InputError, match="empty"):
        decode(data)


def test_binary_input_is_refused():
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")


def test_repair_sends_ftfy_only_the_segments_it_would_change(monkeypatch):
    """Segment by segment, with clean lines skipped, repair must give what ftfy.fix_text gives
    the whole text; a short maximum length makes ftfy cut a line too."""
    config = decoding._FTFY_CONFIG._replace(max_decode_length=40)
    monkeypatch.setattr(decoding, "_FTFY_CONFIG", config)
    lines = [
        "A clean line with “curly quotes” and a no-break\u00a0space.",
        "The cafÃ© served crÃ¨me brÃ»lÃ©e to a â€œcrowdâ€\x9d of forty.",
        "Windows line end\r\nMac line end\rUnicode line end\u2028Done.",
        "Decomposed cafe\u0301 and a long clean line that ftfy cuts at its maximum length of forty.",
        "x" * 39 + "Ã©" + " and the rest of the line.",
    ]
    text = "\n".join(lines * 2) + "\nno final line break"
    segmented = "".join(map(decoding._fix_segment, decoding._ftfy_segments(text)))
    assert segmented == ftfy.fix_text(text, config=config)
