"""Form fields behind the asset list's query parameters (comma lists and repeatable tags)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

MAX_LIST_ITEMS = 200


class CommaListField(forms.Field):
    """`a,b,c` -> ["a", "b", "c"], each checked against `allowed` (when given) or parsed as `item_type`."""

    def __init__(self, *, allowed=None, item_type: str = "str", **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.choices = {str(value) for value, _ in allowed} if allowed else None
        self.item_type = item_type

    def to_python(self, value):
        if value in (None, ""):
            return []
        items = list(dict.fromkeys(part.strip() for part in str(value).split(",") if part.strip()))
        if len(items) > MAX_LIST_ITEMS:
            raise ValidationError(f"At most {MAX_LIST_ITEMS} values.")
        if self.choices is not None:
            unknown = [item for item in items if item not in self.choices]
            if unknown:
                allowed = ", ".join(sorted(self.choices))
                raise ValidationError(f"Unknown value(s) {', '.join(unknown)}; allowed: {allowed}.")
        if self.item_type == "int":
            if not all(item.isdigit() and len(item) <= 18 for item in items):
                raise ValidationError("Expected a comma list of integers.")
            return [int(item) for item in items]
        return items


class _MultiValueInput(forms.MultipleHiddenInput):
    """Reads every occurrence of a repeated query parameter (`tag=a&tag=b`)."""


def parse_tag(text: str) -> tuple[str, str | None]:
    """`Key` -> (Key, None); `Key:Value` -> (Key, Value). A colon inside the key is written `\\:`."""
    key_chars: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in ":\\":
            key_chars.append(text[i + 1])
            i += 2
            continue
        if char == ":":
            return "".join(key_chars), text[i + 1 :]
        key_chars.append(char)
        i += 1
    return "".join(key_chars), None


class TagListField(forms.Field):
    widget = _MultiValueInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_LIST_ITEMS:
            raise ValidationError(f"At most {MAX_LIST_ITEMS} tag filters.")
        tags = [parse_tag(str(v)) for v in values if str(v)]
        if any(not key for key, _ in tags):
            raise ValidationError("Expected Key or Key:Value with a non-empty key.")
        return tags


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error rather than "no filter"."""

    _values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self._values[str(value).lower()]
        except KeyError:
            raise ValidationError("Expected true or false.")
