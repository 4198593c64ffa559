"""Turn a capture's bytes into clean text, whatever the browser or site saved it as.

Order matters: a byte-order mark is the only certain signal, then strict UTF-8 (by far the most
common and it almost never decodes legacy bytes by accident), then statistical detection for
legacy code pages. Mojibake repair runs last, on text that decoded "successfully" but was
mis-decoded before it reached us (the "¬†" of a no-break space read as Mac Roman, say).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator

import charset_normalizer
from charset_normalizer.md import mess_ratio
import ftfy
from ftfy.badness import is_bad
from ftfy.chardata import CHARMAP_ENCODINGS, CONTROL_CHARS

from digest.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Controls that never appear in text a person copied; C0 beyond tab/newlines means binary data.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")

# Legacy code pages by how often pages on the web use them.
_COMMON_WEB_CODE_PAGES = (
    "cp1252", "cp1251", "cp1256", "cp1250", "gb18030", "shift_jis", "euc_kr", "big5", "cp1253",
    "cp1254", "cp1255", "cp1257", "cp1258", "cp874", "koi8_r", "euc_jp", "iso8859_2", "iso8859_5",
)

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # HTML is parsed later; Markdown and text may show entities on purpose
    fix_line_breaks=True,
    normalization="NFC",
    uncurl_quotes=False,  # typographic quotes are content
    fix_latin_ligatures=False,
    fix_character_width=False,
    explain=False,
)


def decode(data: bytes) -> str:
    """Decode a capture and repair mis-decoded characters; raise InputError if it is not text."""
    return repair(decode_unrepaired(data))


def decode_unrepaired(data: bytes) -> str:
    """Decode without mojibake repair, for saved HTML: repairing a whole page's markup costs far
    more than repairing the article once it is found."""
    if not data.strip():
        raise InputError("empty file")
    text = _decode_bytes(data)
    if _BINARY_CONTROLS.search(text):
        raise InputError("binary data, not text (control characters found)")
    return text


def _sloppy_decodings(first: int, last: int) -> str:
    """Every character that a byte in first..last becomes under a code page ftfy can undo."""
    found = set()
    for encoding in CHARMAP_ENCODINGS:
        found.update(bytes(range(first, last + 1)).decode(encoding, errors="ignore"))
    return "".join(sorted(found))


# What ftfy could change, found by one cheap search: UTF-8 read in a single-byte code page always
# leaves a lead character (bytes C2-F4) followed by a continuation character (bytes 80-BF); the
# rest is line breaks, control characters, escapes, lossy or surrogate characters. Text without
# any of them, already in NFC, comes out of ftfy as it went in, so ftfy is skipped, for the whole
# text or for each line of it: profiled at 1,000 plain-text captures, ftfy was nearly half of
# normalization (bench/README.md).
_FTFY_MIGHT_CHANGE = re.compile(
    f"[{re.escape(_sloppy_decodings(0xC2, 0xF4))}][{re.escape(_sloppy_decodings(0x80, 0xBF))}]"
    f"|[{re.escape(''.join(map(chr, CONTROL_CHARS)))}\r\x1b\x85\u2028\u2029\ufffd\x1a\x80-\x9f\ud800-\udfff]"
)


def repair(text: str) -> str:
    """Fix mojibake and line breaks but keep quotes, dashes and no-break spaces as typed."""
    if _unchanged_by_ftfy(text):
        return text
    text = "".join(map(_fix_segment, _ftfy_segments(text)))
    # ftfy repairs a line only when the whole line re-encodes; a line mixing genuine curly quotes
    # with one mis-decoded no-break space is left alone, so retry each non-ASCII run by itself.
    if not is_bad(text):
        return text
    return _NON_ASCII_RUN.sub(lambda run: ftfy.fix_encoding(run.group()), text)


def _unchanged_by_ftfy(text: str) -> bool:
    return not _FTFY_MIGHT_CHANGE.search(text) and unicodedata.is_normalized("NFC", text)


def _fix_segment(segment: str) -> str:
    return segment if _unchanged_by_ftfy(segment) else ftfy.fix_and_explain(segment, _FTFY_CONFIG).text


def _ftfy_segments(text: str) -> Iterator[str]:
    """The pieces ftfy.fix_text fixes one at a time, each on its own (a line, cut at ftfy's maximum
    length): the same cut here lets a page with one mis-decoded line send only that line to ftfy."""
    start = 0
    while start < len(text):
        end = min(text.find("\n", start) + 1 or len(text), start + _FTFY_CONFIG.max_decode_length)
        yield text[start:end]
        start = end


def _decode_bytes(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(f"bytes do not match the {encoding} byte-order mark: {error.reason}") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data:
        raise InputError("binary data, not text (NUL bytes found)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    """Pick the likeliest legacy code page; among equally plausible ones, the most used on the web.

    charset-normalizer often ranks several single-byte code pages the same on short or mostly
    ASCII text (cp1250 and cp1252 for French) and sometimes leaves Windows-1252, the browsers'
    default for unlabelled pages, out altogether; it is scored here like the others, and ties go
    to the most common code page, which is what a browser's own guess amounts to.
    """
    candidates = {
        match.encoding: (match.chaos, str(match))
        for match in charset_normalizer.from_bytes(data)
        if not match.encoding.startswith(("utf_16", "utf_32"))
    }
    try:
        as_windows_1252 = data.decode("cp1252")
        candidates.setdefault("cp1252", (mess_ratio(as_windows_1252), as_windows_1252))
    except UnicodeDecodeError:
        pass
    if not candidates:
        raise InputError("cannot decode the file: not UTF-8 and no known code page fits")
    least_chaos = min(chaos for chaos, _ in candidates.values())
    plausible = [encoding for encoding, (chaos, _) in candidates.items() if chaos <= least_chaos + 0.01]
    return candidates[min(plausible, key=_web_rank)][1]


def _web_rank(encoding: str) -> int:
    return _COMMON_WEB_CODE_PAGES.index(encoding) if encoding in _COMMON_WEB_CODE_PAGES else len(_COMMON_WEB_CODE_PAGES)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte of ASCII-heavy text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    for encoding, nuls, other in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if nuls > 0.4 * half and other == 0:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None
