#!/usr/bin/env python
import sys

from chorus.site.manage import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
