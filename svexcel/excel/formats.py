"""Number formats and the formula rule shared by every workbook svexcel writes, whatever library writes it."""

FORMULA_STARTS = ("=", "+", "-", "@")  # what a spreadsheet may read as the start of a formula
GBP = '"£"#,##0.00;[Red]-"£"#,##0.00'
GBP_WHOLE = '"£"#,##0;[Red]-"£"#,##0'
POINTS = "0.00"
SHARE = "0.0%"
RATIO = "0.00"
