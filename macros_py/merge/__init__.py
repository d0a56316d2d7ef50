"""The bureau's intake: the inbox, the ledger, reading and checking every file, the citywide rules
and the review cards; it produces the merge summary, writing is left to the writers.

May import: check, rules, read, policy, model."""
