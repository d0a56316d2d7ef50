"""The rules of docs/RULES.md: the message catalogue, the registry, one module per rule family and
the bureau-side (citywide) rules. Rules see records only.

May import: policy, model. Never a reader or a writer."""
