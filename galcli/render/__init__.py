"""The one renderer: every byte galcli writes to stdout or stderr goes through this package.

`core` holds the streams (`Output`), errors and notices; the other modules lay out one family of
results each, in every format the commands offer (text, JSON, LaTeX, Markdown, BibTeX).
"""

from galcli.render.core import Output, TextSink, error, styled, usage_error

__all__ = ["Output", "TextSink", "error", "styled", "usage_error"]
