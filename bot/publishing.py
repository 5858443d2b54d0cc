"""Keeps every bot process on the newest published dialogs and clip index.

Published versions live in the database (the admin console writes them). Each process polls
for a newer one every few seconds and switches atomically (running conversations finish on
their version). dialogs/ and content_index.yaml on disk are the seed of a fresh database; when
they change (while the bot runs, or while it was stopped), the change is validated and, if
valid, published as a new version; if not, the bot keeps the last good version and logs the
problems.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError

from bot.flows import load_dialog_set, read_dialog_files
from bot.runtime import BotRuntime
from bot.store.admin_repositories import ContentVersions, DialogVersions, version_files
from bot.web.admin import library_from_text

log = logging.getLogger("bot.publishing")
POLL_SECONDS = 3.0


def _digest(files: Mapping[str, str] | str) -> str:
    raw = files if isinstance(files, str) else json.dumps(dict(sorted(files.items())))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class PublishedSync:
    """Seeds, publishes disk changes, and follows the newest published versions."""

    def __init__(self, runtime: BotRuntime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.dialogs_number: int | None = None
        self.content_number: int | None = None
        self._disk_dialogs = ""
        self._disk_content = ""

    def _read_disk(self) -> tuple[dict[str, str], str]:
        files = read_dialog_files(self.settings.dialogs_dir)
        content = self.settings.content_index.read_text(encoding="utf-8")
        return files, content

    async def start(self) -> None:
        """At process start: publish the disk files if they are new, then load the newest."""
        await self.publish_disk_changes(force_compare=True)
        await self.poll()

    async def publish_disk_changes(self, force_compare: bool = False) -> None:
        try:
            files, content = self._read_disk()
        except OSError as err:
            log.warning("cannot read dialogs or clip index", extra={"fields": {"error": str(err)}})
            return
        dialogs_digest, content_digest = _digest(files), _digest(content)
        if force_compare or dialogs_digest != self._disk_dialogs:
            self._disk_dialogs = dialogs_digest
            await self._publish_dialogs_if_new(files, dialogs_digest)
        if force_compare or content_digest != self._disk_content:
            self._disk_content = content_digest
            await self._publish_content_if_new(content, content_digest)

    async def _publish_dialogs_if_new(self, files: dict[str, str], digest: str) -> None:
        async with self.runtime.db.transaction() as session:
            versions = await DialogVersions(session).all()
            if any(_digest(version_files(v)) == digest for v in versions):
                return  # the disk holds a version we know (maybe an older one): nothing new
        dialog_set, problems = load_dialog_set(files, self.settings.languages,
                                               prefix=str(self.settings.dialogs_dir) + "/")
        if dialog_set is None:
            log.error("dialogs/ changed but is invalid; keeping the last good version",
                      extra={"fields": {"problems": [str(p) for p in problems
                                                     if p.severity == "error"][:20]}})
            return
        number = (versions[0].number + 1) if versions else 1
        note = "seeded from dialogs/" if not versions else "dialogs/ changed on disk"
        try:
            async with self.runtime.db.transaction() as session:
                await DialogVersions(session).add(number, files, "files", note)
        except IntegrityError:
            return  # another process published the same change first
        log.info("published dialogs from disk", extra={"fields": {"version": number}})

    async def _publish_content_if_new(self, text: str, digest: str) -> None:
        async with self.runtime.db.transaction() as session:
            versions = await ContentVersions(session).all()
            if not versions or any(_digest(v.text) == digest for v in versions):
                # No clip-index version yet means the disk file is authoritative as it is.
                return
        try:
            library_from_text(text, self.settings)
        except Exception as err:  # noqa: BLE001 - invalid edit on disk: keep the last good one
            log.error("content_index.yaml changed but is invalid; keeping the last good one",
                      extra={"fields": {"error": str(err)[:2000]}})
            return
        try:
            async with self.runtime.db.transaction() as session:
                await ContentVersions(session).add(versions[0].number + 1, text, "files",
                                                   "content_index.yaml changed on disk")
        except IntegrityError:
            return

    async def poll(self) -> None:
        """Switch to a newer published version if one exists."""
        async with self.runtime.db.transaction() as session:
            dialogs = await DialogVersions(session).latest()
            content = await ContentVersions(session).latest()
            dialog_files = version_files(dialogs) if dialogs else None
            dialog_number = dialogs.number if dialogs else None
            content_text = content.text if content else None
            content_number = content.number if content else None
        if dialog_files is not None and dialog_number != self.dialogs_number:
            self.dialogs_number = dialog_number
            dialog_set, problems = load_dialog_set(dialog_files, self.settings.languages)
            if dialog_set is None:
                log.error("published dialogs are invalid; keeping the running version",
                          extra={"fields": {"version": dialog_number}})
            elif dialog_set.version != self.runtime.engine.registry.current.version:
                self.runtime.engine.publish(dialog_set)
                log.info("switched dialogs", extra={"fields": {"version": dialog_number}})
        if content_text is not None and content_number != self.content_number:
            self.content_number = content_number
            try:
                self.runtime.publish_library(library_from_text(content_text, self.settings))
                log.info("switched clip index", extra={"fields": {"version": content_number}})
            except Exception as err:  # noqa: BLE001
                log.error("published clip index is invalid; keeping the running one",
                          extra={"fields": {"error": type(err).__name__}})

    async def tick(self) -> None:
        await self.publish_disk_changes()
        await self.poll()
