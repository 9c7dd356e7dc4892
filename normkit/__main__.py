"""``python -m normkit``: the same as the ``normkit`` command."""

from normkit.cli import main

raise SystemExit(main())
