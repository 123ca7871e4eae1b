"""Run the command line as ``python -m svexcel``."""

from .cli import run

run()
