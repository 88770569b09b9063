"""``python -m barenn ...`` runs the command line (see ``barenn.cli``)."""

import sys

from barenn.cli import main

sys.exit(main())
