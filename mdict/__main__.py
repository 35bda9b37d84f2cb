"""``python -m mdict``: the mdict command."""

from mdict.cli import run

run()
