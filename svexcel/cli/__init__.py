"""The ``svexcel`` command line: one click group over the library, with shared options and finding printing."""

try:
    import click  # noqa: F401
except ImportError:  # the core install (as xlwings Lite uses it) has the engine but not the command line
    raise SystemExit("The svexcel command needs the cli extra: pip install 'svexcel[cli]'.") from None
