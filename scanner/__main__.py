"""``python -m scanner`` is the same as the ``trailscan`` command (and ends the same way:
see ``scanner.cli.entry``)."""

from scanner.cli.entry import run

run()
