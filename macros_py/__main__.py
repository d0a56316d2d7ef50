"""`python -m macros_py …` is the `shenbao` command."""

import sys

from macros_py.cli.main import main

sys.exit(main())
