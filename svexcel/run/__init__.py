"""Shared machinery that knows no phase (SPEC §8): input folders, output folders, atomic files, worker pools and interrupts, safe names, the record."""
