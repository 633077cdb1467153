"""`python -m chorus ...` runs the `chorus` command line."""

import sys

from chorus.cli import main

sys.exit(main())
