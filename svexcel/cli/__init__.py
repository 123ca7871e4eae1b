"""The ``svexcel`` command line: one click group over the library, with shared options and finding printing."""
