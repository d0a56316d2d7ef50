"""The `shenbao` command: one argparse tree, Chinese throughout, one module per subcommand.

May import: everything."""
