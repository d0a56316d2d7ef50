"""Reading a returned workbook: file safety limits, the cell grid, header matching, and the two
layouts (the project's template, the notice's printed forms) turned into records.

May import: policy, model."""
