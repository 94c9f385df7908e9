"""``python -m docparse FILE`` — see :mod:`docparse.cli`."""

import sys

from .cli import main

sys.exit(main())
