"""`python -m lkj_xl` works like `lkj`."""

import sys

from .cli import main

sys.exit(main())
