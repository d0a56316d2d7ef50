"""The Excel add-in: ribbon actions, worksheet functions and their Excel-free planning, and the
build of the .xlam (VBA project, compound file). The only package that imports xlwings.

May import: jobs and everything below it; never the command line."""
