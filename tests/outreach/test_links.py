"""Campaign links: payload checks against the real index, and the `link` command with --qr."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.content import ContentIndex, load_content_index
from bot.outreach import LinkError, bot_username, deep_link, link_payload
from tests.outreach.png import read_grey
from tests.test_cli import REPO

BOT = {"BOT_USERNAME": "testimony_demo_bot"}


def run_cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`testimony-bot ARGS` in this process (faster than a subprocess): (code, out, err)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        for name in ("BOT_USERNAME", "DATABASE_URL", "CONTENT_INDEX", "LANGUAGES"):
            patch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def index() -> ContentIndex:
    settings = load_settings({})
    return load_content_index(REPO / "content_index.yaml", settings.languages,
                              repo_root=REPO, check_media=False)


def test_payload_kinds(index: ContentIndex) -> None:
    assert link_payload(index, "balkans-spring", clip="salary-never-came") == \
        "c-balkans-spring_clip-salary-never-came"
    assert link_payload(index, "x", topic="promises_vs_reality") == \
        "c-x_topic-promises_vs_reality"
    assert link_payload(index, "x", flow="family") == "c-x_flow-family"
    assert link_payload(index, "x") == "c-x"
    assert deep_link("@Testimony_Bot", "c-x") == "https://t.me/Testimony_Bot?start=c-x"


@pytest.mark.parametrize("kwargs, problem", [
    ({"clip": "no-such-clip"}, "no clip"),
    ({"topic": "no_such_topic"}, "no topic"),
    ({"flow": "party"}, "flow"),
    ({"clip": "salary-never-came", "flow": "talk"}, "one thing"),
    ({"campaign": "a_b"}, "campaign code"),
    ({"campaign": "spaces here"}, "campaign code"),
    ({"campaign": "é"}, "campaign code"),
    ({"campaign": "x" * 40, "clip": "shop-closed-at-prayer-time"}, "refuse"),
])
def test_refused_links(index: ContentIndex, kwargs: dict[str, str], problem: str) -> None:
    campaign = kwargs.pop("campaign", "spring")
    with pytest.raises(LinkError, match=problem):
        link_payload(index, campaign, **kwargs)


@pytest.mark.parametrize("name", ["", "abot", "testimony", "has space_bot", "x" * 40 + "bot"])
def test_bot_username_rules(name: str) -> None:
    with pytest.raises(LinkError):
        bot_username(name)


def test_cli_prints_the_link_and_writes_a_qr_png(tmp_path: Path) -> None:
    png = tmp_path / "link.png"
    code, out, err = run_cli("link", "--clip", "salary-never-came", "--campaign",
                             "balkans-spring", "--qr", str(png), env=BOT)
    assert code == 0, err
    url = "https://t.me/testimony_demo_bot?start=c-balkans-spring_clip-salary-never-came"
    assert out.strip() == url
    width, height, pixels = read_grey(png.read_bytes())
    assert width == height >= 21 * 8 and set(pixels) == {0, 255}
    zxingcpp = pytest.importorskip("zxingcpp")
    image = memoryview(pixels).cast("B", (height, width))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [url]


def test_cli_errors(tmp_path: Path) -> None:
    code, _, err = run_cli("link", "--clip", "salary-never-came", "--campaign", "x")
    assert code == 2 and "BOT_USERNAME" in err
    code, _, err = run_cli("link", "--clip", "nope", "--campaign", "x", "--bot", "demo_bot")
    assert code == 1 and "no clip 'nope'" in err


def test_cli_campaigns_report_on_an_empty_database(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/empty.sqlite3"}
    code, out, err = run_cli("campaigns", "--format", "json", env=env)
    assert code == 0, err
    assert out.strip() == "[]"
