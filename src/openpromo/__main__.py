"""``python -m openpromo``."""

import sys

from openpromo.cli import main

sys.exit(main())
