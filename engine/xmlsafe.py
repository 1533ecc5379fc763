"""Hardened XML parsing for uploaded BPMN and DMN files.

UTF-8 only, decided before anything reads the markup: a file in UTF-16, UTF-32 or UTF-7 would
hide a ``<!DOCTYPE`` from a byte scan. No DTD (so no entities: no XXE, no billion laughs), no
network, a size limit, and libxml2's own depth limit (``huge_tree`` off). Every refusal names
the line where it can.
"""

from __future__ import annotations

import re

from lxml import etree

_DOCTYPE = re.compile("<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
_DECLARED_ENCODING = re.compile(rb"""<\?xml\s[^?]*?\bencoding\s*=\s*["']([^"']*)""")
_UTF8_NAMES = frozenset({b"utf-8", b"us-ascii"})  # US-ASCII is a subset of UTF-8
_SAVE_AS_UTF8 = "Sif läser bara UTF-8: spara filen som UTF-8 och ladda upp den igen."


class FileRefused(Exception):
    """An uploaded file Sif will not read (size, encoding, DTD, syntax); ``line`` is 1-based
    or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def line_of(el: etree._Element) -> int | None:
    """The element's 1-based source line, if lxml knows it."""
    line = getattr(el, "sourceline", None)
    return line if isinstance(line, int) else None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        encoding="utf-8",  # already checked; the file's own declaration has no say
    )


def parse_xml(content: bytes, max_bytes: int) -> etree._Element:
    """Parse ``content`` into an element tree, or raise ``FileRefused`` saying why and where."""
    if len(content) > max_bytes:
        raise FileRefused(
            f"Filen är för stor ({len(content) // 1024} KiB; högst {max_bytes // 1024} KiB)."
        )
    text = _utf8_text(content)
    found = _DOCTYPE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise FileRefused("DTD och entiteter (<!DOCTYPE>, <!ENTITY>) är inte tillåtna.", line)
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        raise FileRefused(f"Filen är inte giltig XML: {exc.msg}", exc.lineno or None) from None
    if root is None:
        raise FileRefused("Filen är tom.")
    return root


def _utf8_text(content: bytes) -> str:
    """``content`` decoded, or ``FileRefused`` unless it is UTF-8 and says nothing else."""
    for mark, name in _OTHER_BOMS:
        if content.startswith(mark):
            raise FileRefused(f"Filen är kodad som {name}. {_SAVE_AS_UTF8}", 1)
    nul = content.find(b"\x00")
    if nul >= 0:  # UTF-16 and UTF-32 without a byte order mark; never in XML text
        line = content.count(b"\n", 0, nul) + 1
        raise FileRefused(f"Filen innehåller NUL-tecken (UTF-16/UTF-32?). {_SAVE_AS_UTF8}", line)
    body = content.removeprefix(_UTF8_BOM)
    declared = _DECLARED_ENCODING.match(body)  # before decoding: it says why decoding would fail
    if declared and declared.group(1).lower() not in _UTF8_NAMES:
        encoding = declared.group(1)[:40].decode("ascii", "replace")
        raise FileRefused(f"Filen säger att den är kodad som {encoding}. {_SAVE_AS_UTF8}", 1)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise FileRefused(f"Filen är inte giltig UTF-8. {_SAVE_AS_UTF8}", line) from None
