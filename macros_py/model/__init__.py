"""Plain data every layer shares: submission records, findings, the merge summary, the error types,
text normalisation, ID-number masking and console escaping (privacy), and where the project's files are.

Imports nothing else of macros_py."""
