"""Duplicated blocks: the same lines, ignoring indentation and blank or comment lines, in
two or more places.

Per file (in the workers, cached with the file) we hash every window of
:data:`WINDOW` consecutive significant lines. Across files (:func:`find_duplicates`) equal
hashes are joined into pairs of places, and overlapping pairs merged into blocks, so a
block's extent is exactly the run of lines the two places share. (Keeping only a winnowed
subset of hashes, as MOSS does, would shrink the cache but blur where a block ends.)

Hashes are BLAKE2b (stable across processes and runs, unlike ``hash()``), packed into a
compact string so that a cached file result stays small and quick to load.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from devmentor.analyzer.model import CodeLocation, DuplicateBlock

WINDOW = 6
#: A block must span at least this many source lines to be reported.
MIN_LINES = 8
#: A window seen in more places than this is boilerplate (license text, generated
#: tables), not a copy worth reporting.
MAX_OCCURRENCES = 20
MAX_BLOCKS = 100

_SPACE = re.compile(r"\s+")
_RECORD = struct.Struct("<QII")  # hash, first line, last line
#: Lines too short or too common to say anything about duplication on their own.
_MIN_CHARS = 4


def _significant(lines: Sequence[str], comments: tuple[str, ...]) -> list[tuple[int, str]]:
    kept: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if len(line) < _MIN_CHARS or (comments and line.startswith(comments)):
            continue
        kept.append((number, _SPACE.sub(" ", line)))
    return kept


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def fingerprints(lines: Sequence[str], comments: tuple[str, ...] = ()) -> str:
    """The window hashes of one file, packed (see the module docstring)."""
    significant = _significant(lines, comments)
    if len(significant) < WINDOW:
        return ""
    line_hashes = [_digest(text) for _, text in significant]
    windows: list[tuple[int, int, int]] = []
    mask = (1 << 64) - 1
    for start in range(len(significant) - WINDOW + 1):
        value = 0
        for offset in range(WINDOW):
            value = (value * 1_000_003 + line_hashes[start + offset]) & mask
        windows.append((value, significant[start][0], significant[start + WINDOW - 1][0]))
    packed = b"".join(_RECORD.pack(*window) for window in windows)
    return base64.b64encode(packed).decode("ascii")


def unpack(packed: str) -> list[tuple[int, int, int]]:
    if not packed:
        return []
    return list(_RECORD.iter_unpack(base64.b64decode(packed)))


@dataclass(slots=True)
class _Run:
    a_start: int
    a_end: int
    b_start: int
    b_end: int


def find_duplicates(files: Iterable[tuple[str, str]]) -> list[DuplicateBlock]:
    """Duplicated blocks across ``files`` (path, packed fingerprints), longest first."""
    occurrences: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    paths: list[str] = []
    for index, (path, packed) in enumerate(files):
        paths.append(path)
        for value, first_line, last_line in unpack(packed):
            occurrences[value].append((index, first_line, last_line))

    pairs: dict[tuple[int, int], list[_Run]] = defaultdict(list)
    for places in occurrences.values():
        if not 2 <= len(places) <= MAX_OCCURRENCES:
            continue
        ordered = sorted(places)
        for i, (fa, a1, a2) in enumerate(ordered):
            for fb, b1, b2 in ordered[i + 1 :]:
                if fa == fb and b1 <= a2:  # overlapping windows of one file
                    continue
                pairs[(fa, fb)].append(_Run(a1, a2, b1, b2))

    blocks: dict[tuple[int, int, int], set[tuple[int, int, int]]] = {}
    for (fa, fb), runs in pairs.items():
        runs.sort(key=lambda r: (r.a_start, r.b_start))
        merged: list[_Run] = []
        for run in runs:
            last = merged[-1] if merged else None
            if (
                last is not None
                and run.a_start <= last.a_end + 1
                and last.b_start <= run.b_start <= last.b_end + 1
            ):
                last.a_end = max(last.a_end, run.a_end)
                last.b_end = max(last.b_end, run.b_end)
            else:
                merged.append(_Run(run.a_start, run.a_end, run.b_start, run.b_end))
        for run in merged:
            if run.a_end - run.a_start + 1 < MIN_LINES:
                continue
            if fa == fb and run.b_start <= run.a_end:
                continue
            key = (fa, run.a_start, run.a_end)
            blocks.setdefault(key, {key}).add((fb, run.b_start, run.b_end))

    result = [
        DuplicateBlock(
            lines=key[2] - key[1] + 1,
            locations=[
                CodeLocation(path=paths[f], line=first, end_line=last)
                for f, first, last in sorted(places, key=lambda p: (paths[p[0]], p[1]))
            ],
        )
        for key, places in blocks.items()
    ]
    # A block found from several starting places appears once per start; keep the largest.
    claimed: set[tuple[str, int]] = set()
    unique: list[DuplicateBlock] = []
    for block in sorted(result, key=lambda b: (-b.lines, -len(b.locations), b.locations[0].path)):
        starts = {(loc.path, loc.line) for loc in block.locations}
        if starts & claimed:
            continue
        claimed |= starts
        unique.append(block)
        if len(unique) >= MAX_BLOCKS:
            break
    return unique


def duplicated_lines(blocks: Sequence[DuplicateBlock]) -> int:
    """Lines that are copies: every place of a block after the first."""
    return sum(block.lines * (len(block.locations) - 1) for block in blocks)
