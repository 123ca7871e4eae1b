"""Run the command line as ``python -m svexcel``."""

from .cli import main

main(prog_name="svexcel")
