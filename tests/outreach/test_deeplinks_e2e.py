"""Deep links end to end: `/start PAYLOAD` through PTB and the emulator, every payload kind.

One stack serves every kind (each with its own user): building a runtime is the slow part.
"""

from __future__ import annotations

from bot.emulator import StoredMessage
from bot.outreach import campaign_report
from tests.e2e.conftest import Stack, TgUser
from tests.outreach.support import E2E, counters

pytestmark = E2E
CONSENT = "Yes, you can message me"
CLIP = "salary-never-came"   # a real clip of content_index.yaml
MALFORMED = ("c-a_c-b", "clip-a_topic-b", "flow-party", "hello", "c-a%20b")


async def _start_and_consent(stack: Stack, user_id: int, payload: str) -> list[StoredMessage]:
    """Welcome (nothing else) for `/start payload`, then what follows the consent button."""
    stack.emu.add_user(user_id, f"User {user_id}", None, "en")
    user = TgUser(stack.emu, user_id)
    welcome = await user.send(f"/start {payload}")
    assert "not end-to-end encrypted" in (welcome[-1].text or "")
    assert all(m.kind == "text" for m in welcome), payload  # nothing opens before consent
    await user.press(CONSENT)
    return [m for m in await user.settle() if m.message_id > welcome[-1].message_id]


async def test_every_payload_kind_and_malformed_ones(outreach_stack: Stack) -> None:
    stack = outreach_stack
    after = await _start_and_consent(stack, 5001, f"c-x_clip-{CLIP}")
    assert after[0].kind == "video"
    assert "The salary that never came" in (after[0].caption or "")
    assert ({"campaign": "x"}, 1) in await counters(stack.db, "conversation_started")
    sent = await counters(stack.db, "clip_sent")
    assert [(labels["clip"], labels["campaign"]) for labels, _ in sent] == [(CLIP, "x")]

    after = await _start_and_consent(stack, 5002, "c-spring-2_topic-women")
    assert after[0].kind == "video"
    topic_clip = next(labels["clip"] for labels, _ in await counters(stack.db, "clip_sent")
                      if labels["campaign"] == "spring-2")
    assert "women" in stack.runtime.library.index.clip(topic_clip).topics

    after = await _start_and_consent(stack, 5003, "flow-family")
    assert any("caring about someone" in (m.text or "") for m in after)

    after = await _start_and_consent(stack, 5004, "c-x_flow-talk")
    assert "Yes, connect me" in [label for m in after for label in m.button_labels]

    after = await _start_and_consent(stack, 5005, "c-x_clip-no-such-clip")
    assert [m.kind for m in after] == ["text"]  # well-formed, unknown clip: just the welcome

    opened = {(labels["campaign"], labels["kind"]): n
              for labels, n in await counters(stack.db, "deeplink_opened")}
    assert opened == {("x", "clip"): 1, ("spring-2", "topic"): 1, ("", "family"): 1,
                      ("x", "talk"): 1}

    for n, payload in enumerate(MALFORMED):
        after = await _start_and_consent(stack, 5100 + n, payload)
        assert [m.kind for m in after] == ["text"], payload
        assert "What would you like to know" in (after[0].text or "")
    assert await counters(stack.db, "deeplink_invalid") == [({}, len(MALFORMED))]

    async with stack.db.transaction() as session:
        rows = {row.campaign: row for row in await campaign_report(session)}
    assert rows["(invalid)"].conversations == len(MALFORMED)
    assert rows["(small campaigns)"].conversations == "<5"   # x and spring-2: 4 starts
    assert "x" not in rows  # fewer than 5 conversations: not named
