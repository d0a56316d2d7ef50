"""Checking one file: read it, run every county rule, and place each finding on its cell; each file
read in a watched child process (workers), so that a reader that dies costs only its own file.

May import: rules, read, policy, model."""
