"""Delivery monitoring after award (SPEC §6): delivery workbooks, the delivery engine, reports and ratings."""
