# Analyzer accuracy corpus: every annotation must stay on its line, so this file is not
# formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""A command-line program: printing is its job, so print() here is not debugging."""

import argparse


def count_words(path):
    with open(path) as handle:
        words = handle.read().split()
    print(f"{path}: {len(words)} words")  # ok: py.print-debugging
    return len(words)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    for name in parser.parse_args().paths:
        count_words(name)
