"""Whole runs behind a command, without argparse: a merge with every output it was asked for. The
command line and the add-in both call these, so they do the same thing.

May import: report, write, merge, check, rules, read, policy, model."""
