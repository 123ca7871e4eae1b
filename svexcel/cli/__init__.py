"""The ``svexcel`` command line: one click group over the library, with shared options and finding printing."""

from importlib.util import find_spec

if find_spec("click") is None:  # the core install (as xlwings Lite uses it) has the engine but not the command line
    raise SystemExit("The svexcel command needs the cli extra: pip install 'svexcel[cli]'.")
