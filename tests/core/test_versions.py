"""Publishing a new dialog version: running conversations finish on theirs, new ones move."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.flows import load_dialogs
from tests.core.driver import LANGUAGES, REPO, Clock, CoreChat, build_engine
from tests.core.fakes import FakeLibrary, KeywordRisk, memory_ports


def changed_dialogs(tmp_path: Path) -> Path:
    target = tmp_path / "dialogs"
    shutil.copytree(REPO / "dialogs", target)
    strings = target / "strings" / "en.yaml"
    text = strings.read_text()
    text = text.replace('btn_connect: "Yes, connect me"', 'btn_connect: "Connect me now"')
    text = text.replace('prompt: "What would you like to know?', 'prompt: "NEW PROMPT. What')
    strings.write_text(text)
    return target


async def test_a_conversation_finishes_on_its_version(tmp_path: Path) -> None:
    engine = build_engine(FakeLibrary(), KeywordRisk(), Clock())
    ports = memory_ports()
    midway = CoreChat(engine, ports, user_id=1)
    await midway.say("/start")
    await midway.say("/talk")  # in handoff.offer, not a resting point
    old_button = midway.find_button("Yes, connect me")
    new_version = load_dialogs(changed_dialogs(tmp_path), LANGUAGES)
    engine.publish(new_version)
    newcomer = CoreChat(engine, ports, user_id=2)
    await newcomer.say("/start")
    await newcomer.say("/talk")
    newcomer.find_button("Connect me now")
    actions = await midway.press_data(old_button)  # the old version's button still works
    assert any("queue" in t for t in midway.texts(actions))
    user = await ports.users.load(midway.ref.key)
    assert user is not None and user.dialog_version != new_version.version
    await midway.say("/help")  # from waiting (not a checkpoint) still old
    await midway.press("Cancel the request")  # back at ask.home, a checkpoint
    actions = await midway.say("/topics")
    user = await ports.users.load(midway.ref.key)
    assert user is not None and user.dialog_version == new_version.version
