# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Loads cached results, settings and models from disk."""

import json
import marshal
import pickle  # expect: bandit.B403
from pathlib import Path

import torch
import yaml
from transformers import AutoModel


def load_cache(path: Path) -> object:
    with path.open("rb") as handle:
        return pickle.load(handle)  # expect: bandit.B301, py.unsafe-deserialization


def load_compiled(blob: bytes) -> object:
    return marshal.loads(blob)  # expect: bandit.B302, py.unsafe-deserialization


def load_settings(text: str) -> object:
    return yaml.load(text, Loader=yaml.Loader)  # expect: bandit.B506, py.yaml-unsafe-load


def load_settings_safely(text: str) -> object:
    return yaml.safe_load(text)  # ok: bandit.B506


def load_settings_with_safe_loader(text: str) -> object:
    return yaml.load(text, Loader=yaml.SafeLoader)  # ok: bandit.B506


def load_json(path: Path) -> object:
    return json.loads(path.read_text())  # ok: bandit.B301


def load_weights(path: Path) -> object:
    return torch.load(path)  # expect: bandit.B614


def load_weights_only(path: Path) -> object:
    return torch.load(path, weights_only=True)  # ok: bandit.B614


def fetch_model(name: str) -> object:
    return AutoModel.from_pretrained(name)  # expect: bandit.B615


def fetch_pinned_model(name: str) -> object:
    return AutoModel.from_pretrained(name, revision="5d0f2e8")  # ok: bandit.B615
