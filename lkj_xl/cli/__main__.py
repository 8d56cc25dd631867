"""``python -m lkj_xl.cli``: the ``lkj`` command, as ``python -m lkj_xl`` runs it."""

import sys

from lkj_xl.cli import main

sys.exit(main())
