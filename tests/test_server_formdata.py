"""Query strings and form bodies read as the standard library reads them, escapes decoded in C."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipgraph.server.formdata import FormError, parse_form

# the characters that matter: separators, escapes (whole, cut short, not hex), backslashes, pluses, UTF-8
_PIECES = st.sampled_from(["&", "=", "+", "%", "%4", "%41", "%5C", "%5c", "%e4%b8%ad", "%zz", "%ff", "\\", "\\x41",
                           "\\\\", "a", "Q", "query", "0", " ", "中", "%0A", "%25", "%2B", "%26"])  # fmt: skip


def _stdlib(text: str) -> dict[str, list[str]] | str:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, max_num_fields=200, errors="strict")
    except UnicodeDecodeError:
        return "bad UTF-8"
    except ValueError:
        return "too many fields"


def _ours(text: str) -> dict[str, list[str]] | str:
    try:
        return parse_form(text, max_fields=200)
    except UnicodeDecodeError:
        return "bad UTF-8"
    except FormError:
        return "too many fields"


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_reads_as_the_standard_library(text: str) -> None:
    assert _ours(text) == _stdlib(text)


def test_a_sparql_query_round_trips() -> None:
    query = 'PREFIX ex: <http://e/x#>\nSELECT ?s { ?s ?p "a\\\\b 100% + 中" } # \\u0053ERVICE\n'
    encoded = urllib.parse.urlencode({"query": query, "format": "json"})
    assert parse_form(encoded) == {"query": [query], "format": ["json"]}
    assert _ours(encoded) == _stdlib(encoded)


def test_field_cap() -> None:
    assert len(parse_form("&".join(f"a{i}=1" for i in range(200)))) == 200
    with pytest.raises(FormError):
        parse_form("&".join(f"a{i}=1" for i in range(201)))
    with pytest.raises(UnicodeDecodeError):
        parse_form("q=%ff")
