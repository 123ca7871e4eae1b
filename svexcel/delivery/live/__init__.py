"""The live monitoring workbook (``svexcel delivery build``): layout, checks, cached values, inputs read back, instructions."""
