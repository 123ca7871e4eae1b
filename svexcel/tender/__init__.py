"""The tender phase: returns (template, reader), the scoring engine, plausibility, quality marks, the batch, its reports and the live scoring workbook."""
