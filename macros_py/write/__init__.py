"""Workbooks and files we write: the county template and its guide, filled and printed forms, the
master, feedback and annotated copies, the samples, and the xlsx packing they share; and where any
output may go (outputs.py: what may be overwritten, every refusal's wording) and how one run's
outputs appear together (staging.py: temporaries, journal, recovery of a killed run).

May import: merge, check, rules, read, policy, model."""
