"""Counts every Bot API call by method and result (for /metrics), around the rate limiter."""

from __future__ import annotations

from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.metrics import BOT_API_429, BOT_API_CALLS


class MeteredRateLimiter(BaseRateLimiter[int]):
    """Delegates to ``inner``; each request (after its retries) is counted once."""

    def __init__(self, inner: BaseRateLimiter[Any]) -> None:
        self.inner = inner

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any],
                              endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        async def counted(*c_args: Any, **c_kwargs: Any) -> Any:
            try:
                return await callback(*c_args, **c_kwargs)
            except RetryAfter:
                BOT_API_429.inc()
                raise

        try:
            result = await self.inner.process_request(counted, args, kwargs, endpoint, data,
                                                      rate_limit_args)
        except TelegramError as err:
            BOT_API_CALLS.labels(endpoint, type(err).__name__).inc()
            raise
        BOT_API_CALLS.labels(endpoint, "ok").inc()
        return result
