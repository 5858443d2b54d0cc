"""Typed access to Bot API parameters, whatever encoding they arrived in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.emulator._errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Parameters of one call: strings from forms/query strings, typed values from JSON."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, UploadedFile]) -> None:
        self.values = values
        self.uploads = uploads

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def recordable(self) -> dict[str, Any]:
        """The parameters with JSON strings decoded and uploads summarised, for the call log."""
        recorded: dict[str, Any] = {}
        for name, value in self.values.items():
            if isinstance(value, str) and value[:1] in ("{", "["):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            recorded[name] = value
        for name, upload in self.uploads.items():
            recorded.setdefault(name, f"<upload {upload.filename or name} {len(upload.data)} B>")
        return recorded

    def str(self, name: str, required: bool = False) -> str | None:
        """A string parameter."""
        value = self.values.get(name)
        if value is None:
            if required:
                reason = "message text is empty" if name == "text" else f"{name} is empty"
                raise bad_request(reason)
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: str, required: bool = False) -> int | None:
        """An integer parameter (Telegram accepts numeric strings)."""
        value = self.values.get(name)
        if value in (None, ""):
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def float(self, name: str) -> float | None:
        """A float parameter."""
        value = self.values.get(name)
        if value in (None, ""):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: str, default: bool = False) -> bool:
        """A boolean parameter ("true"/"false"/"1"/"0" or JSON true/false)."""
        value = self.values.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, name: str) -> Any:
        """A JSON-serialized parameter (reply_markup, commands, results...)."""
        value = self.values.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A chat id: an integer, or an @username string."""
        value = self.values.get(name)
        if value in (None, ""):
            raise bad_request("chat_id is empty" if name == "chat_id" else f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value)
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None
