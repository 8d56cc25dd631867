"""`python -m lkj_xl` works like `lkj`."""

import sys

from lkj_xl.cli import main

sys.exit(main())
