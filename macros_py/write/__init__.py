"""Workbooks and files we write: the county template and its guide, filled and printed forms, the
master, feedback and annotated copies, the samples, and the xlsx packing they share.

May import: merge, check, rules, read, policy, model."""
