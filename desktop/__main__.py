"""`python -m desktop --demo`."""

import sys

from desktop.app import main

sys.exit(main())
