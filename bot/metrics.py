"""Prometheus metrics (served at /metrics): counts and latencies, never identities."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("testimony_updates_total", "Updates processed", ["kind", "result"])
HANDLER_SECONDS = Histogram("testimony_update_seconds", "Time to process one update",
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
BOT_API_ERRORS = Counter("testimony_bot_api_errors_total", "Failed Bot API actions",
                         ["action", "error"])
BOT_API_CALLS = Counter("testimony_bot_api_calls_total", "Bot API calls by method and result",
                        ["method", "status"])
BOT_API_429 = Counter("testimony_bot_api_429_total", "Bot API answers 429 Too Many Requests")
CLIPS_SENT = Counter("testimony_clips_sent_total", "Clips sent")
HANDOFFS = Counter("testimony_handoffs_total", "Cases opened", ["reason", "urgent"])
QUEUE_LENGTH = Gauge("testimony_queue_length", "Cases waiting for a counselor")
OLDEST_WAITING = Gauge("testimony_oldest_waiting_seconds", "Age of the oldest waiting case")
