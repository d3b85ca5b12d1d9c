"""Input text as it may be shown: control characters escaped, long values cut to an excerpt.

Nothing read from a landing file, a file name or a query result reaches a terminal or a log as it
is: a newline in a file name would print a fake line, an escape sequence would drive the terminal,
and a 1 MB cell would flood the output.
"""

from __future__ import annotations

import re

EXCERPT = 80  # characters of input text quoted in a message

# C0 and C1 control characters, DEL, and the Unicode line/paragraph separators and bidirectional
# overrides that reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(value: object, limit: int | None = None) -> str:
    """`value` as text with control characters escaped (\\n, \\x1b, ...), and when `limit` is given,
    at most `limit` characters of it followed by how many more there were."""
    text = str(value)
    extra = 0
    if limit is not None and len(text) > limit:
        text, extra = text[:limit], len(text) - limit
    shown = _CONTROL.sub(_escape, text)
    return f"{shown}… ({extra:,} more characters)" if extra else shown


def excerpt(value: object) -> str:
    """A bounded, escaped excerpt of input text for an error message."""
    return printable(value, EXCERPT)
