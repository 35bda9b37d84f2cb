"""``python -m mdict.cli``: the mdict command."""

from mdict.cli import main

main()
