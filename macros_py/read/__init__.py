"""Reading a returned workbook: file safety limits, the cell grid, hidden rows and struck cells (flags,
flags_xls, flags_ods: one reader per format), header matching, and the two
layouts (the project's template, the notice's printed forms) turned into records; and what a folder
of submissions holds (folder.py, the same for check and merge).

May import: policy, model."""
