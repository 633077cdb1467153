import sys

from chorus.ingest.cli import main

sys.exit(main(sys.argv[1:]))
