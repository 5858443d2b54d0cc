"""Outreach tests reuse the end-to-end stack (real PTB against the emulator)."""

from tests.e2e.conftest import stack  # noqa: F401
