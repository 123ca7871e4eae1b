"""The framework of Themes → Outcomes → Measures (SPEC §1): its model, loading and validation, and its sheets written for people."""
