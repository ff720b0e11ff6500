"""Text from the data, made inert for where it is shown: the terminal, Markdown, HTML tooltips, spreadsheets.

The data holds names, ids, summaries and source titles written by others; none of it may become markup
(Rich, Markdown, HTML), a terminal escape sequence or a spreadsheet formula. Every place that shows data
goes through one of these functions (docs/safety.md lists them):

- :func:`terminal` for Rich console output (plain ``Text``, never markup; escape sequences and control
  characters removed);
- :func:`markdown` for Streamlit elements that render Markdown (captions, messages, labels);
- :func:`tooltip` for pyvis node and edge titles (never the substring that makes pyvis use ``innerHTML``);
- :func:`spreadsheet_cell` for CSV cells (OWASP's CSV-injection rule).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rich.text import Text

# ANSI/ECMA-48 sequences, in their 7-bit (ESC ...) and 8-bit (C1) forms: CSI ... final byte; OSC, DCS, SOS,
# PM and APC strings up to their terminator (BEL or ST); any other two-byte ESC sequence. OSC 8 is a
# hyperlink; removing the whole sequence removes the URL and leaves the visible text.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# C0 controls but tab and newline, DEL and C1 controls; then the Unicode bidirectional overrides and
# isolates, which reorder what a reader sees ("Trojan source").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaped, none of them starts
# emphasis, a link, an image, HTML, code, a heading, a list, a table, maths ($) or a directive (:red[...]).
_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Where GFM autolink literals start: "scheme://", "www." and the "@" of an address.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.I)
# pyvis 0.3.2 (Network.generate_html) switches every tooltip to ``popup.innerHTML = title`` as soon as
# one node title contains "href"; a word joiner (U+2060, invisible) inside the word keeps it readable.
_HREF = re.compile(r"(h)(ref)", re.I)
WORD_JOINER = "\u2060"
# Cells a spreadsheet reads as a formula (OWASP CSV injection, ASVS 1.2.10), with the full-width forms
# that some spreadsheets in East Asian locales also accept.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value):
    """``value`` as XML 1.0 can hold it (GraphML, GEXF): each character XML forbids (C0 controls but tab,
    newline and carriage return; U+FFFE, U+FFFF; lone surrogates) becomes U+FFFD. Not text: unchanged.

    >>> xml_text("red\x1b[31m"), xml_text(3)
    ('red\ufffd[31m', 3)
    """
    return _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def strip_controls(text: str, keep: str = "\n\t") -> str:
    """``text`` without terminal escape sequences and control characters (but those in ``keep``).

    >>> strip_controls("a\\x1b[31mred\\x1b[0m \\x1b]8;;http://203.0.113.1/\\x07link\\x1b]8;;\\x07 b\\x07\\n")
    'ared link b\\n'
    """
    text = _ESCAPE_SEQUENCE.sub("", str(text))
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else "", text)


def terminal(*parts: object) -> Text:
    """One line for a Rich console, made of ``parts``: a ``(text, style)`` pair is styled, anything else is data.

    The result is a ``rich.text.Text``: Rich never parses it for markup (``[/bold]``, ``[link=...]``) nor
    for emoji codes, and escape sequences and control characters are gone. ``rich.markup.escape`` would
    not be exact (Rich drops a backslash before any ``[``).

    >>> terminal(("error:", "red"), " ", "[/bold] \\x1b[31mred").plain
    'error: [/bold] red'
    """
    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append(strip_controls(str(part[0])), style=part[1])
        else:
            text.append(strip_controls(str(part)))
    return text


def markdown(value: object) -> str:
    """``value`` as Markdown that shows exactly its text: every punctuation character backslash-escaped.

    Newlines become spaces (a caption or message is one paragraph); control characters go. Streamlit also
    links bare URLs, www. names and e-mail addresses found in text after parsing (GFM autolink literals),
    escaped or not: an invisible word joiner breaks ``://``, ``www.`` and ``@`` so none becomes a link.

    >>> markdown("![x](a.png) <b>*hi*</b>")
    '\\\\!\\\\[x\\\\]\\\\(a\\\\.png\\\\) \\\\<b\\\\>\\\\*hi\\\\*\\\\<\\\\/b\\\\>'
    >>> markdown("http://x") == "http\\\\:" + WORD_JOINER + "\\\\/\\\\/x"
    True
    """
    text = strip_controls(str(value), keep="\n").replace("\n", " ")
    text = _AUTOLINK.sub(WORD_JOINER, text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def tooltip(value: object) -> str:
    """``value`` as a pyvis title: plain text (vis-network shows a string title with ``innerText``) that
    never contains "href", so pyvis never switches its tooltips to ``innerHTML``.

    >>> tooltip("Incident: <a HREF=x>") == "Incident: <a H" + WORD_JOINER + "REF=x>"
    True
    """
    return _HREF.sub(rf"\1{WORD_JOINER}\2", strip_controls(str(value)))


def formula_start(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (OWASP's CSV-injection starts, after spaces).

    >>> formula_start(" =1+1"), formula_start("-5 days"), formula_start("GainJet")
    (True, True, False)
    """
    return text.lstrip(" ").startswith(_FORMULA_START)


def spreadsheet_cell(text: str) -> str:
    """A CSV/XLSX text cell that no spreadsheet runs as a formula: a leading ``'`` before a formula start.

    Numbers are not text cells: callers pass them through unchanged (``-3`` stays a number).

    >>> spreadsheet_cell('=HYPERLINK("http://203.0.113.1/","x")'), spreadsheet_cell("GainJet")
    ('\\'=HYPERLINK("http://203.0.113.1/","x")', 'GainJet')
    """
    text = strip_controls(text, keep="\n\t\r")
    return "'" + text if formula_start(text) else text


def web_link(url: object) -> str | None:
    """``url`` if the app may make it a clickable link, else None: the one rule for a source link.

    A link is an http or https URL (``urllib.parse.urlsplit``) with a host, no user information (an ``@``
    before the host: ``http://trusted.example@203.0.113.1/`` goes to the second), a valid port, and no
    whitespace, backslash or control character anywhere (browsers read ``\\`` as ``/``).

    >>> web_link("https://citizenlab.ca/2018/10/x/"), web_link("javascript:alert(1)"), web_link("http://a@b/")
    ('https://citizenlab.ca/2018/10/x/', None, None)
    >>> [web_link(u) for u in ("http:///x", "https://:443/", "http://a b/", "http://h:99999/", "HTTPS://H/?q=@")]
    [None, None, None, None, 'HTTPS://H/?q=@']
    """
    if not isinstance(url, str) or _CONTROL.search(url) or any(c.isspace() or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0..65535
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return url
