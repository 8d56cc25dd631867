"""Is an XML part safe to hand to a parser?  The prolog scan shared by the pre-load checks and the engines.

Pure: bytes in, a verdict out.  A workbook part whose prolog declares a DTD or entities (``<!DOCTYPE``, ``<!ENTITY``)
is refused before any parser sees it; real Office parts never carry one.
"""

from __future__ import annotations

from typing import Literal

#: A real prolog is ~100 bytes; a longer one is refused.
MAX_PROLOG_CHARS = 1024 * 1024

PrologVerdict = Literal["ok", "dtd", "more", "not-xml", "too-long"]


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "latin-1"),  # UTF-8: markup is ASCII, latin-1 never fails and keeps offsets simple
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode_prefix(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            break
    else:
        # BOM-less UTF-16 (expat auto-detects it): an ASCII character next to a NUL byte
        if len(data) >= 2 and 0 < data[0] < 0x80 and data[1] == 0:
            codec, body = "utf-16-le", data
        elif len(data) >= 2 and data[0] == 0 and 0 < data[1] < 0x80:
            codec, body = "utf-16-be", data
        else:
            codec, body = "latin-1", data
    width = 4 if codec.startswith("utf-32") else 2 if codec.startswith("utf-16") else 1
    body = body[: len(body) - len(body) % width]
    return body.decode(codec, errors="replace")


def scan_xml_prolog(data: bytes, *, eof: bool) -> PrologVerdict:
    """Judge the start of a (possibly) XML part.  Pure; ``data`` is a prefix of the part, ``eof`` says it is all of it.

    ``"ok"``: the root element starts with no declaration before it.  ``"dtd"``: a ``<!`` declaration other than a
    comment (``<!DOCTYPE``, ``<!ENTITY``...) precedes the root.  ``"not-xml"``: the part does not start with markup
    (binary parts such as images or ``vbaProject.bin``).  ``"more"``: undecided, give a longer prefix.
    ``"too-long"``: the prolog is longer than :data:`MAX_PROLOG_CHARS` (refused: real prologs are ~100 bytes).
    """
    if not eof and any(len(data) < len(bom) and bom.startswith(data) for bom, _ in _BOMS):
        return "more"
    text = _decode_prefix(data)
    n = len(text)
    i = 0
    seen_markup = False
    while True:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        if i >= MAX_PROLOG_CHARS:
            return "too-long"
        if i >= n:
            return "more" if not eof else ("ok" if seen_markup else "not-xml")
        if text[i] != "<":
            return "ok" if seen_markup else "not-xml"
        if n - i < 4 and not eof:
            return "more"
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            end = end + 1 if end != -1 else -1
        elif text.startswith("<!", i):
            return "dtd"
        else:
            return "ok"
        if end == -1:
            if n - i > MAX_PROLOG_CHARS:
                return "too-long"
            return "ok" if eof else "more"  # unterminated at EOF: malformed, the parser will refuse it
        i = end + 2
        seen_markup = True
