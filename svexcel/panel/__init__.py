"""The evaluation panel (SPEC §7): evaluator workbooks, moderation with an audit log, and the consensus as quality marks."""
