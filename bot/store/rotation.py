"""Key rotation: re-encrypt every encrypted column and re-key users and counselors, in batches.

Everything derived from BOT_SECRET_KEY changes with it: Fernet tokens (re-encrypted with
MultiFernet.rotate), user keys (HMAC of the Telegram id: recomputed from the chat id stored
encrypted in the user's state or case) and counselor keys (recomputed from the encrypted
Telegram id in ``counselors``). Each batch is one transaction; a run is idempotent, so an
interrupted rotation is finished by running it again with the same keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import InstrumentedAttribute

from bot.crypto import Crypto
from bot.errors import StoreError
from bot.store.database import Database
from bot.store.models import CaseMessage, CaseRow, CounselorRow, UserRow

DEFAULT_BATCH = 500


@dataclass
class RotationReport:
    """Rows re-encrypted per table, and keys changed (users, counselors, case references)."""

    reencrypted: dict[str, int] = field(default_factory=dict)
    user_keys: int = 0
    counselor_keys: int = 0
    case_user_keys: int = 0
    case_counselor_keys: int = 0
    unrecognised_keys: int = 0

    def lines(self) -> list[str]:
        out = [f"{table}: {count} re-encrypted" for table, count in self.reencrypted.items()]
        out.append(f"user keys changed: {self.user_keys} (in cases: {self.case_user_keys})")
        out.append(f"counselor keys changed: {self.counselor_keys} "
                   f"(in cases: {self.case_counselor_keys})")
        if self.unrecognised_keys:
            out.append(f"keys not derived from any given secret, left as they are: "
                       f"{self.unrecognised_keys}")
        return out


def counselor_key(crypto: Crypto, user_id: int) -> str:
    """The key bot/telegram_adapter/convert.py gives a counselor."""
    return "c" + crypto.user_key(user_id)[:23]


class _Keys:
    """The new secret, the old ones, and the key derivations of each."""

    def __init__(self, new_secret: str, old_secrets: Sequence[str]) -> None:
        """``hashers[0]`` derives with the new secret, the others with the old ones."""
        if not old_secrets:
            raise StoreError("no old secret keys given: nothing to rotate from")
        if new_secret in old_secrets:
            raise StoreError("the new secret key is also among the old ones")
        self.crypto = Crypto(new_secret, tuple(old_secrets))
        self.hashers = [Crypto(secret) for secret in (new_secret, *old_secrets)]

    def decrypt(self, token: str, where: str) -> str:
        try:
            return self.crypto.decrypt(token)
        except StoreError as err:
            raise StoreError(f"{where}: cannot be decrypted with the new or old keys; "
                             "add the missing key to BOT_OLD_SECRET_KEYS") from err


async def rotate_keys(db: Database, new_secret: str, old_secrets: Sequence[str],
                      batch_size: int = DEFAULT_BATCH, dry_run: bool = False) -> RotationReport:
    """Rotate from ``old_secrets`` to ``new_secret``; with ``dry_run`` every batch rolls back
    (it proves that every token decrypts). The bot must be stopped while this runs."""
    rotation = _Rotation(_Keys(new_secret, old_secrets), RotationReport())
    batches = _Batches(db, batch_size, dry_run, rotation.report)
    # Counselors first: the cases' counselor keys follow the old -> new counselor mapping.
    await batches.run(CounselorRow.key, (CounselorRow.user_id_enc,), rotation.counselor)
    await batches.run(UserRow.key, (UserRow.state,), rotation.user)
    await batches.run(CaseRow.id, (CaseRow.user_key, CaseRow.chat_id_enc,
                                   CaseRow.counselor_key), rotation.case)
    await batches.run(CaseMessage.id, (CaseMessage.body_enc,), rotation.transcript_line)
    return rotation.report


Change = Callable[[Row[Any]], dict[str, object]]


class _Batches:
    """Runs ``change(row) -> new values`` over a table, ``size`` rows per transaction."""

    def __init__(self, db: Database, size: int, dry_run: bool, report: RotationReport) -> None:
        self.db, self.size, self.dry_run, self.report = db, size, dry_run, report

    async def run(self, pk: InstrumentedAttribute[Any], columns: tuple[Any, ...],
                  change: Change) -> None:
        table = pk.class_.__table__
        async with self.db.engine.connect() as conn:  # a snapshot: primary keys may change
            pks = list((await conn.execute(select(pk).order_by(pk))).scalars())
        for start in range(0, len(pks), self.size):
            async with self.db.engine.connect() as conn:
                rows = (await conn.execute(select(pk, *columns).where(
                    pk.in_(pks[start:start + self.size])))).all()
                for row in rows:
                    await conn.execute(update(table).where(pk == row[0]).values(**change(row)))
                await (conn.rollback() if self.dry_run else conn.commit())
            self.report.reencrypted[table.name] = \
                self.report.reencrypted.get(table.name, 0) + len(rows)
        self.report.reencrypted.setdefault(table.name, 0)


class _Rotation:
    """The new values of one row of each table, and the tally of changed keys."""

    def __init__(self, keys: _Keys, report: RotationReport) -> None:
        self.keys, self.report = keys, report
        self.counselor_map: dict[str, str] = {}  # any old or new counselor key -> the new one

    def _rekey(self, current: str, derive: Callable[[Crypto, int], str],
               telegram_id: int) -> str | None:
        """The new key when it differs from ``current``; None when nothing changes (also when
        no given secret derives ``current``: such a key is counted and left alone)."""
        derived = [derive(hasher, telegram_id) for hasher in self.keys.hashers]
        if current not in derived:
            self.report.unrecognised_keys += 1
            return None
        return derived[0] if derived[0] != current else None

    def counselor(self, row: Row[Any]) -> dict[str, object]:
        key, token = row
        user_id = int(self.keys.decrypt(token, "counselors.user_id_enc"))
        values: dict[str, object] = {"user_id_enc": self.keys.crypto.rotate(token)}
        new_key = self._rekey(key, counselor_key, user_id)
        for hasher in self.keys.hashers:
            self.counselor_map[counselor_key(hasher, user_id)] = new_key or key
        if new_key is not None:
            values["key"] = new_key
            self.report.counselor_keys += 1
        return values

    def user(self, row: Row[Any]) -> dict[str, object]:
        key, token = row
        state = json.loads(self.keys.decrypt(token, "users.state"))
        new_key = self._rekey(key, Crypto.user_key, int(state["chat_id"]))
        if new_key is None:
            return {"state": self.keys.crypto.rotate(token)}
        self.report.user_keys += 1
        state["key"] = new_key
        plain = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        return {"key": new_key, "state": self.keys.crypto.encrypt(plain)}

    def case(self, row: Row[Any]) -> dict[str, object]:
        case_id, user_key, token, counselor = row
        chat_id = int(self.keys.decrypt(token, f"cases.chat_id_enc of case {case_id}"))
        values: dict[str, object] = {"chat_id_enc": self.keys.crypto.rotate(token)}
        new_key = self._rekey(user_key, Crypto.user_key, chat_id)
        if new_key is not None:
            values["user_key"] = new_key
            self.report.case_user_keys += 1
        if counselor is not None:
            new_counselor = self.counselor_map.get(counselor)
            if new_counselor is None:
                self.report.unrecognised_keys += 1
            elif new_counselor != counselor:
                values["counselor_key"] = new_counselor
                self.report.case_counselor_keys += 1
        return values

    def transcript_line(self, row: Row[Any]) -> dict[str, object]:
        line_id, token = row
        self.keys.decrypt(token, f"case_messages.body_enc of line {line_id}")
        return {"body_enc": self.keys.crypto.rotate(token)}
