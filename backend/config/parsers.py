"""Request parsers: DRF's JSON parser, refusing absurdly nested documents with a 400 instead of a 500."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json.load recurses per nesting level: `[[[[...]]]]` a few thousand deep exhausts the stack.
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
