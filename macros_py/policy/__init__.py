"""The notice as data: the policy file, the one schema of sheets and columns, the recommenders,
value types and the Python twin of every template formula.

May import: model."""
