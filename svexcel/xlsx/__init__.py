"""Reading .xlsx/.xlsm files: a fast, safe cell reader, tables found by their headers, what number formats mean."""
