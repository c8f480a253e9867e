"""`python -m galcli` runs the same entry point as the `galcli` console script."""

from galcli.cli import run

run()
