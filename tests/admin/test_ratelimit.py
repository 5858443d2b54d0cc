"""LoginLimiter on a virtual clock: per-account and per-address windows."""

from __future__ import annotations

from bot.web.admin._ratelimit import LoginLimiter


def test_account_locked_after_failures_until_the_window_passes() -> None:
    now = [0.0]
    limiter = LoginLimiter(3, 60.0, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.blocked("user:a") == 0
        limiter.fail("user:a")
    assert limiter.blocked("user:a") == 60.0
    now[0] = 61.0
    assert limiter.blocked("user:a") == 0


def test_address_allows_more_than_one_account() -> None:
    limiter = LoginLimiter(2, 60.0, clock=lambda: 0.0)
    for name in "abc":
        limiter.fail("ip:1", f"user:{name}")
    assert limiter.blocked("ip:1", "user:d") == 0
    for name in "defgh":
        limiter.fail("ip:1", f"user:{name}")
    assert limiter.blocked("ip:1", "user:z") > 0


def test_success_clears_the_account() -> None:
    limiter = LoginLimiter(2, 60.0, clock=lambda: 0.0)
    limiter.fail("user:a")
    limiter.fail("user:a")
    limiter.succeed("user:a")
    assert limiter.blocked("user:a") == 0
