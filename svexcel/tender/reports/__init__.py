"""Word reports of the tender phase (docxtpl): an evaluation per scored return, a comparison of all returns, assessment summaries."""
