from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from contract_chain import chain, contract_node  # noqa: F401  (the fixtures)
