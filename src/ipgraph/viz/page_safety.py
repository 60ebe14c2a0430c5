"""Make HTML that another tool wrote safe to open: sanitize its body and wrap it in a page that loads nothing.

Used for the ontology documentation (pyLODE writes it): every text is escaped, the body is run through nh3 (the
Ammonia sanitizer) with an allow-list of the tags and attributes the page is made of, and the page carries a
Content-Security-Policy that allows its one inline style sheet (by hash), ``data:`` images and nothing else —
no script, no font, no frame, no request to any host.

>>> text_html('<script>alert("x")</script>\\n\\nsecond')
'<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>\\n<p>second</p>'
>>> json_for_script('{"a": "</script><b>&"}')
'{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
>>> csp_source("p { color: red }")
"'sha256-ngewhhP73WDIbgwseeu52VAAJgKdGUsu1IUQQsAm8m4='"
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping, Set

__all__ = ["clean_fragment", "csp_source", "json_for_script", "standalone_page", "text_html"]

#: URL schemes a link may have; anything else (``javascript:``, ``data:``, ``vbscript:`` …) loses its ``href``.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def text_html(text: str) -> str:
    """Plain text as HTML paragraphs (split at blank lines), every character escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(f"<p>{html.escape(p, quote=True)}</p>" for p in paragraphs)


def json_for_script(text: str) -> str:
    """JSON made safe to sit inside ``<script type="application/…json">``: no ``<``, ``>``, ``&`` or line
    separators left raw (all are escaped as ``\\uXXXX``, which means the same to a JSON parser)."""
    for char, code in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


def csp_source(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script or style text."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def clean_fragment(fragment: str, tags: Set[str], attributes: Mapping[str, Set[str]]) -> str:
    """An HTML fragment with only the allowed tags and attributes, links only to :data:`LINK_SCHEMES` (or
    relative), no comments; ``script`` and ``style`` elements are removed with their content.

    Raises:
        ModuleNotFoundError: nh3 is not installed (it comes with ``pip install 'ipgraph[docs]'``).
    """
    import nh3

    return nh3.clean(
        fragment,
        tags=set(tags),
        clean_content_tags={"script", "style"} - set(tags),
        attributes={k: set(v) for k, v in attributes.items()},
        url_schemes=set(LINK_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )


def standalone_page(title: str, body: str, css: str, *, head: str = "", lang: str = "en") -> str:
    """A whole page around a (clean) body: its one style sheet inline, and a Content-Security-Policy that
    allows that style sheet and ``data:`` images only. ``head`` is extra trusted markup for the head (data
    blocks such as JSON-LD, which a policy without scripts does not block)."""
    policy = f"default-src 'none'; style-src {csp_source(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n{head}</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
