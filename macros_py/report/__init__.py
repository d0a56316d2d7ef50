"""Reports people read: the merge report and the check report (HTML), their charts and console text.

May import: write, merge, check, rules, read, policy, model."""
