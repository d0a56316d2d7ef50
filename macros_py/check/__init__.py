"""Checking one file: read it, run every county rule, and place each finding on its cell.

May import: rules, read, policy, model."""
