"""The live scoring workbook: its layout, sheets, inputs, macros and the explanations behind its functions."""
