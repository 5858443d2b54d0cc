"""Imports every module that declares tables on Base, so the metadata is complete."""

from __future__ import annotations

import importlib
import importlib.util

MODEL_MODULES = ("bot.store.models", "bot.store.admin_models")

for _name in MODEL_MODULES:
    if importlib.util.find_spec(_name) is not None:
        importlib.import_module(_name)
