"""Run the command line as ``python -m svexcel``."""

from .cli.main import main

main(prog_name="svexcel")
