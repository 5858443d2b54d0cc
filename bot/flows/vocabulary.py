"""The closed vocabulary flows may name: actions (with their argument kind) and conditions."""

from __future__ import annotations

# name -> kind of argument: None (no argument), "string_key", "reason", "bool", "feedback"
ACTIONS: dict[str, str | None] = {
    "say": "string_key",
    "answer_question": None,
    "send_another_clip": None,
    "send_topic_clip": None,
    "send_pending_clip": None,
    "send_family_clip": None,
    "show_topics": None,
    "show_languages": None,
    "set_language": None,
    "record_consent": None,
    "sample_notice": None,
    "say_hours": None,
    "send_helplines": None,
    "set_reason": "reason",
    "set_safe_to_contact": "bool",
    "open_handoff": None,
    "open_urgent_handoff": None,
    "cancel_handoff": None,
    "record_feedback": "feedback",
    "forget_user": None,
    "stop_conversation": None,
}

ACTION_DOCS: dict[str, str] = {
    "say": "send the text with this string key",
    "answer_question": "match the user's text to a clip and send it, or show the topic menu",
    "send_another_clip": "send another unseen clip on the last topic",
    "send_topic_clip": "send an unseen clip of the topic on the pressed button",
    "send_pending_clip": "send the graphic clip the user confirmed",
    "send_family_clip": "send an unseen clip made for families",
    "show_topics": "send the topic menu",
    "show_languages": "send the language buttons",
    "set_language": "switch to the language on the pressed button",
    "record_consent": "remember that the user saw the privacy notice",
    "sample_notice": "say that the clips are sample content, when they are",
    "say_hours": "say when counselors are available",
    "send_helplines": "send the helplines for the user's language, with sources",
    "set_reason": "remember why the user may need a counselor (distress/leaving/family/request)",
    "set_safe_to_contact": "remember the answer to 'is it safe to message you later?'",
    "open_handoff": "open a case for the counselors and tell the user their place in queue",
    "open_urgent_handoff": "open an urgent case at once",
    "cancel_handoff": "withdraw the user's waiting case",
    "record_feedback": "count an anonymous 'did this help?' answer",
    "forget_user": "erase everything held about the user",
    "stop_conversation": "stop writing to the user until they write again",
}

CONDITIONS: frozenset[str] = frozenset(
    {"safe_to_contact", "within_hours", "has_open_case", "feedback_due", "is_sample"}
)

REASONS = ("distress", "leaving", "family", "request")
FEEDBACK = ("helped", "not_helped")

# Button ids the core creates itself (topic menus, clip buttons, language choice).
DYNAMIC_BUTTONS = frozenset(
    {
        "another",
        "different",
        "talk",
        "topic",
        "show_graphic",
        "skip_graphic",
        "helped",
        "not_helped",
        "set_language",
        "topics",
        "home",
        "family",
        "cancel_case",
    }
)

# Timeouts may name a setting instead of a number of seconds.
TIMEOUT_SETTINGS = frozenset({"handoff_wait"})
