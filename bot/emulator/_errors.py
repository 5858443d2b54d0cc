"""The Bot API error an emulated method raises, shaped like Telegram's JSON error answer."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Telegram error answer: HTTP status, description and optional `parameters`."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """Telegram's body for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 with Telegram's `Bad Request: ` prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """A 403 with Telegram's `Forbidden: ` prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 carrying `retry_after` in seconds, as Telegram sends it."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
