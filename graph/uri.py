"""Server URIs as they may be shown: credentials inside a URI (``bolt://user:pw@host``) never reach a message.

>>> shown_uri("neo4j+s://alice:s3cret@db.example.org:7687/neo4j")
'neo4j+s://***@db.example.org:7687/neo4j'
>>> shown_uri("bolt://127.0.0.1:7687")
'bolt://127.0.0.1:7687'
>>> scrub("cannot reach bolt://alice:s3cret@h:1 (alice:s3cret)", "bolt://alice:s3cret@h:1")
'cannot reach bolt://***@h:1 (***)'
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def shown_uri(uri: str) -> str:
    """``uri`` with any user info (user name and password) replaced by ``***``."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "***" if "@" in uri else uri
    if "@" not in parts.netloc:
        return uri
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def scrub(text: str, uri: str) -> str:
    """``text`` (an error message) with ``uri`` shown redacted and its user info removed wherever it appears."""
    text = text.replace(uri, shown_uri(uri))
    try:
        netloc = urlsplit(uri).netloc
    except ValueError:
        return text
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        text = text.replace(userinfo, "***")
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            if len(password) >= 4:  # a password short enough to occur by chance is not scrubbed from prose
                text = text.replace(password, "***")
    return text
