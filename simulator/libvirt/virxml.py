"""Parsing untrusted XML as ``src/util/virxml.c`` does (``virXMLParseHelper``), and reporting
malformed XML as libvirt reports libxml2's first fatal error (``catchXMLError``).

The lab parses with the standard library's expat; libvirt with libxml2, whose messages and
error positions differ. When expat refuses a document, a second, diagnostic pass finds where
and why, and the kinds of error whose libxml2 message and input position are known (measured
against libvirt 9.0 with libxml2 2.9.14, ``tests/libvirt/xml_errors_corpus.jsonl``) are
reported as libvirt does::

    (domain_definition):LINE: MESSAGE
    the line holding libxml2's input cursor
    ------^

Any other kind is ``seclab: not modelled``: the lab does not guess libxml2's text.
Documents with a DTD are refused before expat sees them (no entity expansion can happen).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # DTDs are refused before expat sees the text
import xml.parsers.expat as expat
from xml.parsers.expat import errors as expat_errors

from simulator.errors import NotModelled
from simulator.libvirt.virerror import ErrorCode, LibvirtError

# virDomainDefParseString passes this as the document's URL (libxml2's lastError.file).
DOMAIN_URL = "(domain_definition)"
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# libxml2: xmlParserMaxDepth; libvirt never sets XML_PARSE_HUGE. xmlParseElementStart refuses
# an element when more than this many are open, so the deepest document has 257 levels.
MAX_XML_DEPTH = 256
UNMODELLED = "libxml2's message for this malformed XML"

_BLANKS = b" \t\r\n"  # libxml2: IS_BLANK_CH
# libxml2's names (xmlIsNameStartChar, xmlIsNameChar) for ASCII; any non-ASCII byte is taken
# as part of a name, which holds for the letters a definition uses.
_NAME_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:") | frozenset(
    range(0x80, 0x100)
)
_NAME_CHARS = _NAME_START | frozenset(b"0123456789.-")


class _TooDeep(Exception):
    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def missing_attribute(element: str, name: str) -> LibvirtError:
    """The ``virXMLProp*`` readers with ``VIR_XML_PROP_REQUIRED`` on an absent attribute."""
    return LibvirtError(
        ErrorCode.XML_ERROR, f"Missing required attribute '{name}' in element '{element}'"
    )


def invalid_attribute(element: str, name: str, value: str, expected: str = "") -> LibvirtError:
    """The ``virXMLProp*`` readers on a value they cannot read: the value, then what the
    reader expected (``virXMLPropEnum`` says nothing more, ``virXMLPropInt`` "Expected
    integer value", ``virXMLPropLongLong`` "Expected long long integer value", ...)."""
    more = f" {expected}" if expected else ""
    return LibvirtError(
        ErrorCode.XML_ERROR,
        f"Invalid value for attribute '{name}' in element '{element}': '{value}'.{more}",
    )


def parse(text: str, *, url: str = DOMAIN_URL) -> ET.Element:
    """The document's root element, or the error libvirt reports for it.

    ``url`` is what libvirt names the document in its message: ``(domain_definition)`` for
    XML given to an API call, the file's path for a file the daemon reads.
    """
    if _DTD.search(text):
        raise NotModelled("document type declarations (<!DOCTYPE>, <!ENTITY>) in XML")
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DTD can reach expat
    except ET.ParseError:
        return _diagnose(text, url)
    if text.count("<") > MAX_XML_DEPTH and _too_deep(root):
        # (each element opens with a "<": fewer of them cannot nest too deep)
        return _diagnose(text, url)
    return root


def _too_deep(root: ET.Element) -> bool:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_XML_DEPTH + 1:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def _diagnose(text: str, url: str) -> ET.Element:
    """Parse again, without namespace processing, tracking the open elements: the tree when
    the only problem was a namespace prefix (libxml2 only warns), else libvirt's error."""
    data = text.encode("utf-8", "surrogateescape")
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    stack: list[tuple[str, int]] = []  # open elements: name, line of its start tag
    started = [False]
    root_end: list[int | None] = [None]  # where the root's end tag begins, once it ended

    def start(name: str, attributes: dict[str, str]) -> None:
        if len(stack) > MAX_XML_DEPTH:
            raise _TooDeep(parser.CurrentByteIndex)
        started[0] = True
        stack.append((name, parser.CurrentLineNumber))
        builder.start(name, attributes)

    def end(name: str) -> None:
        stack.pop()
        if not stack:
            root_end[0] = parser.CurrentByteIndex
        builder.end(name)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _TooDeep as deep:
        message = f"Excessive depth in document: {MAX_XML_DEPTH} use XML_PARSE_HUGE option"
        raise _report(data, url, message, deep.index) from None
    except expat.ExpatError as error:
        index = parser.ErrorByteIndex
        if root_end[0] is not None:
            found = _epilog_error(data, error.code, index, root_end[0])
        else:
            found = _libxml2_error(data, error.code, index, stack, started[0])
        if found is None or "\ufffd" in text or b"\x00" in data:
            # (a U+FFFD stands for bytes that were not UTF-8: libxml2 saw those bytes)
            raise NotModelled(UNMODELLED) from None
        raise _report(data, url, *found) from None
    return builder.close()


def _report(data: bytes, url: str, message: str, cursor: int) -> LibvirtError:
    """``catchXMLError``: ``URL:LINE: MESSAGE``, the cursor's line, a pointer under it (a tab
    for each tab before the cursor, a ``-`` for each other byte)."""
    line_number = data.count(b"\n", 0, cursor) + 1  # libxml2: ctxt->input->line

    def at(index: int) -> int:
        return data[index] if index < len(data) else 0

    start = cursor
    while start > 0 and at(start) in (10, 13):  # skip backwards over any end-of-lines
        start -= 1
    while start > 0 and at(start) not in (10, 13):  # back to the beginning of the line
        start -= 1
    if at(start) in (10, 13):
        start += 1
    column = cursor - start
    end = start
    while end < len(data) and data[end] not in (0, 10, 13):
        end += 1
    line = data[start:end]
    pointer = "".join("\t" if byte == 9 else "-" for byte in line[:column]) + "^"
    # An empty line is virBufferContentAndReset's NULL, which glib's printf prints "(null)".
    context = line.decode("utf-8", "replace") if line else "(null)"
    return LibvirtError(
        ErrorCode.XML_DETAIL, f"{url}:{line_number}: {message}\n{context}\n{pointer}"
    )


def _skip_blanks(data: bytes, index: int) -> int:
    while index < len(data) and data[index] in _BLANKS:
        index += 1
    return index


def _name_end(data: bytes, index: int) -> int:
    """Where the name starting at ``index`` ends (``index`` itself when there is none)."""
    if index >= len(data) or data[index] not in _NAME_START:
        return index
    index += 1
    while index < len(data) and data[index] in _NAME_CHARS:
        index += 1
    return index


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


_NO_ELEMENTS = expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]
_SYNTAX = expat_errors.codes[expat_errors.XML_ERROR_SYNTAX]
_INVALID_TOKEN = expat_errors.codes[expat_errors.XML_ERROR_INVALID_TOKEN]
_BAD_CHAR_REF = expat_errors.codes[expat_errors.XML_ERROR_BAD_CHAR_REF]
_UNCLOSED_TOKEN = expat_errors.codes[expat_errors.XML_ERROR_UNCLOSED_TOKEN]
_TAG_MISMATCH = expat_errors.codes[expat_errors.XML_ERROR_TAG_MISMATCH]
_DUPLICATE_ATTRIBUTE = expat_errors.codes[expat_errors.XML_ERROR_DUPLICATE_ATTRIBUTE]
_JUNK_AFTER_ROOT = expat_errors.codes[expat_errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]
_UNDEFINED_ENTITY = expat_errors.codes[expat_errors.XML_ERROR_UNDEFINED_ENTITY]
_MISPLACED_XML_DECLARATION = expat_errors.codes[expat_errors.XML_ERROR_MISPLACED_XML_PI]


def _libxml2_error(
    data: bytes, code: int, index: int, stack: list[tuple[str, int]], started: bool
) -> tuple[str, int] | None:
    """libxml2's first fatal error for a document expat refused with ``code`` at ``index``:
    its message and where its input cursor is; None for the kinds the lab does not know."""
    if code == _MISPLACED_XML_DECLARATION:
        return "XML declaration allowed only at the start of the document", index + len("<?xml")
    if not started:
        return _prolog_error(data, code)
    if code == _TAG_MISMATCH:
        return _mismatch(data, index, stack)
    # (after the root's end, _epilog_error answers instead)
    # expat reports an unclosed token where it begins; what is open shows at the end
    state, begin = _state_at(data, len(data) if code == _UNCLOSED_TOKEN else index)
    if code == _NO_ELEMENTS and state == "content" and stack:
        # xmlParseElementEnd / xmlParseContentInternal at the end of the input
        name, line = stack[-1]
        return f"Premature end of data in tag {name} line {line}", len(data)
    if state in ("tag", "attvalue"):
        if code not in (
            _INVALID_TOKEN,
            _UNCLOSED_TOKEN,
            _DUPLICATE_ATTRIBUTE,
            _UNDEFINED_ENTITY,
            _BAD_CHAR_REF,
        ):
            return None
        found = _start_tag_error(data, begin)
        if found is not None or code != _UNDEFINED_ENTITY:
            return found
    if code == _UNCLOSED_TOKEN:
        return _unclosed(data, state, begin)
    if code == _UNDEFINED_ENTITY and state in ("content", "attvalue"):
        return _undefined_entity(data, index)
    if code in (_INVALID_TOKEN, _BAD_CHAR_REF) and state == "content":
        return _content_error(data, index)
    return None


def _prolog_error(data: bytes, code: int) -> tuple[str, int] | None:
    """xmlParseDocument before the root element; None when the root's start tag is there
    (its errors are a start tag's)."""
    if not data:
        return "Document is empty", 0
    index = _skip_misc(data)
    if index is None:
        return None
    if index >= len(data) or data[index] != ord("<"):
        return "Start tag expected, '<' not found", index
    if data.startswith(b"<!--", index):
        return _unclosed(data, "comment", index) if code == _UNCLOSED_TOKEN else None
    if data[index + 1 : index + 2] in (b"?", b"!"):
        return None
    return _start_tag_error(data, index)


def _epilog_error(data: bytes, code: int, index: int, root_end: int) -> tuple[str, int] | None:
    """After the root element (xmlParseDocument): blanks, comments and PIs may follow
    (xmlParseMisc); anything else is extra content, where it begins."""
    if code == _JUNK_AFTER_ROOT:
        return "Extra content at the end of the document", index
    if not data.startswith(b"</", root_end):
        return None  # (an empty root element: where it ends is not worth finding here)
    after = _skip_misc(data, data.index(b">", root_end) + 1)
    if after is None or after >= len(data) or data.startswith(b"<!--", after):
        return None
    return "Extra content at the end of the document", after


def _skip_misc(data: bytes, start: int = 0) -> int | None:
    """xmlParseMisc: past blanks and complete comments (None at anything else it skips)."""
    index = _skip_blanks(data, start)
    while data.startswith(b"<!--", index):
        end = data.find(b"-->", index + 4)
        if end < 0:
            return index
        if b"--" in data[index + 4 : end]:
            return None
        index = _skip_blanks(data, end + 3)
    if data.startswith(b"<?", index):
        return None
    return index


def _mismatch(data: bytes, index: int, stack: list[tuple[str, int]]) -> tuple[str, int] | None:
    """xmlParseEndTag2: the end tag's name, blanks and ``>`` are read, then compared."""
    name_end = _name_end(data, index)
    close = _skip_blanks(data, name_end)
    if name_end == index or not stack or data[close : close + 1] != b">":
        return None
    name, line = stack[-1]
    ended = _decode(data[index:name_end])
    return f"Opening and ending tag mismatch: {name} line {line} and {ended}", close + 1


def _state_at(data: bytes, index: int) -> tuple[str, int]:
    """What the byte at ``index`` belongs to (content, a start tag, an attribute value, an
    end tag, a comment, a PI or CDATA section, a declaration) and where that construct
    begins, reading from the start: one pass, bounded by ``index``."""
    state, begin, quote, position = "content", 0, 0, 0
    while position < index:
        byte = data[position]
        if state == "content":
            if byte == ord("<"):
                begin = position
                if data.startswith(b"<!--", position):
                    state, position = "comment", position + 4
                    continue
                if data.startswith(b"<![CDATA[", position):
                    state, position = "cdata", position + 9
                    continue
                state = {b"/": "endtag", b"?": "pi", b"!": "declaration"}.get(
                    data[position + 1 : position + 2], "tag"
                )
        elif state == "tag":
            if byte in (ord("'"), ord('"')):
                state, quote = "attvalue", byte
            elif byte == ord(">"):
                state = "content"
        elif state == "attvalue":
            if byte == quote:
                state = "tag"
        elif state in ("endtag", "declaration"):
            if byte == ord(">"):
                state = "content"
        else:
            terminator = {"comment": b"-->", "cdata": b"]]>", "pi": b"?>"}[state]
            if data.startswith(terminator, position):
                state, position = "content", position + len(terminator)
                continue
        position += 1
    return state, begin


def _start_tag_error(data: bytes, begin: int) -> tuple[str, int] | None:
    """xmlParseStartTag2 on the start tag at ``begin``: its first fatal error, if the lab
    knows it."""
    line = data.count(b"\n", 0, begin) + 1
    index = _name_end(data, begin + 1)
    if index == begin + 1:
        return "StartTag: invalid element name", begin + 1
    element = _decode(data[begin + 1 : index])
    seen: list[bytes] = []
    duplicate: bytes | None = None
    for turn in range(len(data)):  # each turn reads one attribute: bounded by the input
        if turn and not _ends_tag(data, index) and data[index : index + 1] not in _BLANK_BYTES:
            # after an attribute, only blanks or the tag's end may follow
            return "attributes construct error", index
        after = _skip_blanks(data, index)
        if after >= len(data):
            return f"Couldn't find end of Start Tag {element} line {line}", after
        if _ends_tag(data, after):
            if duplicate is not None:
                # xmlParseStartTag2 checks for duplicates once every attribute is read
                return f"Attribute {_decode(duplicate)} redefined", after
            return None
        name_end = _name_end(data, after)
        if name_end == after:
            return None
        name = data[after:name_end]
        equals = _skip_blanks(data, name_end)
        if equals >= len(data):
            return None
        if data[equals] != ord("="):
            return f"Specification mandates value for attribute {_decode(name)}", equals
        value = _skip_blanks(data, equals + 1)
        if value >= len(data):
            return None
        quote = data[value]
        if quote not in (ord("'"), ord('"')):
            return "AttValue: \" or ' expected", value
        found = _attribute_value_error(data, value + 1, quote)
        if found is not None:
            return found
        if name in seen and duplicate is None:
            duplicate = name
        seen.append(name)
        index = data.index(quote, value + 1) + 1
    return None


_BLANK_BYTES = (b" ", b"\t", b"\r", b"\n")


def _ends_tag(data: bytes, index: int) -> bool:
    return data.startswith(b">", index) or data.startswith(b"/>", index)


def _attribute_value_error(data: bytes, index: int, quote: int) -> tuple[str, int] | None:
    """xmlParseAttValueComplex: the first problem in the value starting at ``index``."""
    close = data.find(bytes([quote]), index)
    end = len(data) if close < 0 else close
    for position in range(index, end):
        byte = data[position]
        if byte == ord("<"):
            return "Unescaped '<' not allowed in attributes values", position
        if byte == ord("&"):
            found = _reference_error(data, position)
            if found is not None:
                return found
    if close < 0:
        return "AttValue: ' expected", len(data)  # libxml2 names ' whatever the quote
    return None


_PREDEFINED = (b"lt", b"gt", b"amp", b"apos", b"quot")


def _reference_error(data: bytes, ampersand: int) -> tuple[str, int] | None:
    """xmlParseEntityRef (or xmlParseCharRef) on the ``&`` at ``ampersand``."""
    if data[ampersand + 1 : ampersand + 2] == b"#":
        return _char_reference_error(data, ampersand)
    name_end = _name_end(data, ampersand + 1)
    if name_end == ampersand + 1:
        return "xmlParseEntityRef: no name", ampersand + 1
    if data[name_end : name_end + 1] != b";":
        return "EntityRef: expecting ';'", name_end
    name = data[ampersand + 1 : name_end]
    if name in _PREDEFINED:
        return None
    return f"Entity '{_decode(name)}' not defined", name_end + 1


_HEX_DIGITS = {ord(c): int(c, 16) for c in "0123456789abcdefABCDEF"}
_ALNUM = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _char_reference_error(data: bytes, ampersand: int) -> tuple[str, int] | None:
    """xmlParseCharRef: ``&#xHEX;`` or ``&#DEC;``; the first bad digit stops it (the value is
    then 0), a ``;`` is stepped over, and the value must be a character XML allows."""
    hexadecimal = data[ampersand + 2 : ampersand + 3] == b"x"
    index = ampersand + (3 if hexadecimal else 2)
    base = 16 if hexadecimal else 10
    value = 0
    while index < len(data) and data[index] != ord(";"):
        digit = _HEX_DIGITS.get(data[index], 16)
        if digit >= base:
            kind = "hexadecimal" if hexadecimal else "decimal"
            return f"CharRef: invalid {kind} value", index
        value = min(value * base + digit, 0x110000)  # libxml2 caps it so
        index += 1
    if index >= len(data):
        return None
    index += 1  # the ';'
    if value >= 0x110000:
        return "xmlParseCharRef: character reference out of bounds", index
    allowed = value in (9, 10, 13) or 0x20 <= value <= 0xD7FF or 0xE000 <= value <= 0xFFFD
    if allowed or 0x10000 <= value <= 0x10FFFF:
        return None
    return f"xmlParseCharRef: invalid xmlChar value {value}", index


def _undefined_entity(data: bytes, index: int) -> tuple[str, int] | None:
    if data[index : index + 1] != b"&":
        return None
    return _reference_error(data, index)


def _content_error(data: bytes, index: int) -> tuple[str, int] | None:
    """An invalid token in character data: expat stops where libxml2's cursor is."""
    before = data[index - 1 : index]
    if before == b"<" and data[index : index + 1] not in (b"/", b"!", b"?"):
        return "StartTag: invalid element name", index
    ampersand = data.rfind(b"&", 0, index)
    if ampersand >= 0 and _name_end(data, ampersand + 1) == index:
        return _reference_error(data, ampersand)  # an entity name that ends badly
    reference = data[ampersand + 1 : index]
    if ampersand >= 0 and reference.startswith(b"#") and _ALNUM.issuperset(reference[1:]):
        return _char_reference_error(data, ampersand)  # a character number being read
    if data[index : index + 1] == b"&":  # expat stops at a bad character number's "&"
        return _reference_error(data, index)
    byte = data[index] if index < len(data) else None
    if byte is not None and byte < 0x20 and byte not in (9, 10, 13):
        return f"PCDATA invalid Char value {byte}", index
    return None


def _unclosed(data: bytes, state: str, begin: int) -> tuple[str, int] | None:
    """The input ends inside a construct (expat: unclosed token)."""
    if state == "endtag":
        # xmlParseEndTag2: the name is read, then '>' is expected
        return "expected '>'", len(data)
    if state == "comment":
        body = data[begin + 4 :]
        # xmlParseComment's fast path (ASCII without "--") ends with this text
        if b"--" not in body and all(0x20 <= b < 0x7F or b in (9, 10) for b in body):
            return "Comment not terminated", len(data)
        return None
    if state == "content" and data.endswith(b"<"):
        return "StartTag: invalid element name", len(data)
    return None
