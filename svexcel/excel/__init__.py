"""Writing Excel workbooks: formats and styles, grids written into sheet XML, formula helpers, printing, and the xlwings VBA project."""
