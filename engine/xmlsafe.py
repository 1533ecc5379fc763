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
        raise FileRefused(_syntax_said(exc), exc.lineno or None) from None
    if root is None:
        raise FileRefused("Filen är tom.")
    return root


_E = etree.ErrorTypes
# libxml2's commonest complaints, said in Swedish (its own messages are English).
_SYNTAX: dict[int, str] = {
    _E.ERR_TAG_NOT_FINISHED: "ett element avslutas aldrig (filen tar slut före dess sluttagg)",
    _E.ERR_TAG_NAME_MISMATCH: "en sluttagg stämmer inte med starttaggen",
    _E.ERR_LTSLASH_REQUIRED: "en sluttagg saknas",
    _E.ERR_GT_REQUIRED: "en tagg avslutas inte med >",
    _E.ERR_DOCUMENT_END: "text efter dokumentets slut",
    _E.ERR_DOCUMENT_EMPTY: "filen börjar inte med ett element",
    _E.ERR_NAME_REQUIRED: "ett elementnamn saknas eller är ogiltigt",
    _E.ERR_ATTRIBUTE_NOT_STARTED: "ett attributvärde står inte inom citattecken",
    _E.ERR_ATTRIBUTE_WITHOUT_VALUE: "ett attribut saknar värde",
    _E.ERR_ATTRIBUTE_REDEFINED: "samma attribut står två gånger i ett element",
    _E.NS_ERR_UNDEFINED_NAMESPACE: "ett namnrymdsprefix används utan att vara deklarerat",
    _E.ERR_UNDECLARED_ENTITY: "en entitet (&namn;) som inte finns",
    _E.ERR_INVALID_CHAR: "ett tecken som inte får stå i XML",
    _E.ERR_RESERVED_XML_NAME: "en XML-deklaration som inte står först i filen",
    _E.ERR_RESOURCE_LIMIT: "elementen är nästlade för djupt (högst 256 nivåer)",
}


def _syntax_said(exc: etree.XMLSyntaxError) -> str:
    """Why libxml2 refused the file, in Swedish, with the column where it stopped."""
    what = _SYNTAX.get(getattr(exc, "code", 0), "")
    column = exc.position[1] if exc.position else 0
    where = f" (kolumn {column})" if column else ""
    said = f": {what}" if what else ""
    return f"Filen är inte giltig XML{said}{where}."


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
