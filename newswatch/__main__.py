"""`python -m newswatch` runs the command line."""

import sys

from newswatch.cli.app import main

sys.exit(main())
