"""BPMN and DMN files are read as UTF-8 only; anything else is refused, in Swedish, before
the DTD check (which a UTF-16 or UTF-7 file would otherwise slip past) and before lxml."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine import BundleInvalid, Settings
from engine.xmlsafe import FileRefused, parse_xml
from tests.conftest import read_scenario
from tests.limits import run_limited

GOOD = read_scenario("review_loop")
BPMN = "review_loop.bpmn"
LAUGHS = """<?xml version="1.0" encoding="{}"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<definitions>&lol3;</definitions>"""
UTF7_DTD = (
    b'<?xml version="1.0" encoding="UTF-7"?>\n'
    b"+ADw-!DOCTYPE d +AFs-+ADw-!ENTITY x SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-\n"
    b"<definitions>+ACY-x+ADs-</definitions>"
)
UTF8 = "Sif läser bara UTF-8"
# name: (file, what the refusal says, its line)
HOSTILE = {
    "utf-16le-bom-dtd": (LAUGHS.format("UTF-16").encode("utf-16"), "UTF-16", 1),
    "utf-16be-no-bom": (LAUGHS.format("UTF-16").encode("utf-16-be"), "NUL", 1),
    "utf-16le-no-bom-line-3": (b"\n\n" + "<a/>".encode("utf-16-le"), "NUL", 3),
    "utf-32-bom": (LAUGHS.format("UTF-32").encode("utf-32"), "UTF-32", 1),
    "utf-32be-no-bom": (LAUGHS.format("UTF-32").encode("utf-32-be"), "NUL", 1),
    "utf-7-dtd": (UTF7_DTD, "kodad som UTF-7", 1),
    "latin-1": ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>Ö</a>'.encode("latin-1"),
                "kodad som ISO-8859-1", 1),
    "ebcdic": ('<?xml version="1.0" encoding="IBM037"?><a/>'.encode("cp037"), "giltig UTF-8", 1),
    "invalid-utf-8-line-4": (b"<a>\n\n\n\xc3\x28</a>", "giltig UTF-8", 4),
    "surrogate-in-utf-8": (b"<a>\xed\xa0\x80</a>", "giltig UTF-8", 1),
    "bom-then-dtd": (b"\xef\xbb\xbf" + LAUGHS.format("UTF-8").encode(), "DTD", 2),
    "long-declaration": (b"<?xml " + b"encoding " * 500_000 + b'encoding="UTF-7"?><a/>',
                         "kodad som UTF-7", 1),
}  # fmt: skip


def test_hostile_encodings_are_refused_quickly_with_a_line(tmp_path: Path) -> None:
    for name, (content, _, _) in HOSTILE.items():  # too large for the child's command line
        (tmp_path / name).write_bytes(content)
    outcome = run_limited(
        f"""
        import json, pathlib, time
        from engine.xmlsafe import FileRefused, parse_xml
        results = {{}}
        for path in pathlib.Path({str(tmp_path)!r}).iterdir():
            started = time.monotonic()
            try:
                parse_xml(path.read_bytes(), 10_000_000)
                results[path.name] = "parsed"
            except FileRefused as refused:
                results[path.name] = [refused.message, refused.line, time.monotonic() - started]
        print(json.dumps(results))
        """,
        seconds=30,
    )
    assert outcome.returncode == 0, outcome.stderr
    for name, (_, says, line) in HOSTILE.items():
        message, refused_line, seconds = outcome.result[name]
        assert says in message, name
        assert refused_line == line, name
        assert seconds < 1, name


@pytest.mark.parametrize("name", [n for n in HOSTILE if "dtd" not in n])
def test_an_encoding_refusal_says_to_save_as_utf8(name: str) -> None:
    with pytest.raises(FileRefused) as caught:
        parse_xml(HOSTILE[name][0], 10_000_000)
    assert UTF8 in caught.value.message


def test_utf7_without_a_declaration_is_plain_text_and_no_dtd() -> None:
    content = UTF7_DTD.split(b"\n", 1)[1]
    with pytest.raises(FileRefused) as caught:
        parse_xml(content, 10_000_000)
    assert "inte giltig XML" in caught.value.message


@pytest.mark.parametrize(
    "declaration",
    ["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>',
     "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"],
    ids=["none", "no-encoding", "lower-case", "single-quotes"],
)  # fmt: skip
def test_utf8_with_a_bom_and_swedish_letters_parses(declaration: str) -> None:
    content = "\ufeff" + declaration + "<a>Återremiss för åtgärd</a>"
    assert parse_xml(content.encode(), 10_000).text == "Återremiss för åtgärd"


def test_a_us_ascii_declaration_is_read_as_utf8() -> None:
    assert parse_xml(b'<?xml version="1.0" encoding="US-ASCII"?><a>ok</a>', 10_000).text == "ok"


def refusal(files: dict[str, bytes]) -> list[tuple[str, str]]:
    with pytest.raises(BundleInvalid) as caught:
        engine.validate_bundle(files, Settings(), frozenset())
    return [(p.file, p.message) for p in caught.value.problems]


def test_a_bundle_whose_bpmn_is_utf16_is_refused_naming_the_file() -> None:
    text = GOOD[BPMN].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    problems = refusal({**GOOD, BPMN: text.encode("utf-16")})
    assert problems == [(BPMN, f"Filen är kodad som UTF-16. {UTF8}: spara filen som UTF-8 och "
                               "ladda upp den igen.")]  # fmt: skip


def test_a_bundle_whose_bpmn_is_utf7_with_a_dtd_is_refused_naming_the_file() -> None:
    body = GOOD[BPMN].split(b"\n", 1)[1]
    [(file, message)] = refusal({**GOOD, BPMN: UTF7_DTD.rsplit(b"\n", 1)[0] + b"\n" + body})
    assert file == BPMN
    assert "UTF-7" in message
    assert UTF8 in message


def test_the_ordinary_bundle_still_validates_also_with_a_bom() -> None:
    assert engine.validate_bundle(GOOD, Settings(), frozenset()).processes
    with_bom = {name: b"\xef\xbb\xbf" + content for name, content in GOOD.items()}
    with_bom = {**with_bom, **{n: c for n, c in GOOD.items() if n.endswith(".json")}}
    [process] = engine.validate_bundle(with_bom, Settings(), frozenset()).processes
    assert process.name == "Idégranskning med återremiss"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"<a>", "ett element avslutas aldrig"),
        (b"<a></b>", "en sluttagg stämmer inte med starttaggen"),
        (b"<a/><b/>", "text efter dokumentets slut"),
        (b"<a x=1/>", "ett attributvärde står inte inom citattecken"),
        (b"<a>" * 300, "nästlade för djupt"),
    ],
)
def test_a_syntax_error_is_said_in_swedish_with_its_column(content: bytes, said: str) -> None:
    with pytest.raises(FileRefused) as caught:
        parse_xml(content, 1 << 20)
    assert said in caught.value.message
    assert "kolumn" in caught.value.message
    english = ("line ", "expected", "Premature", "mismatch", "Excessive", "content")
    assert not any(word in caught.value.message for word in english)
