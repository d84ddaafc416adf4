"""Settings shared by the fuzz tests of the readers (intake spreadsheets, IATI XML).

``COUNTERPART_FUZZ_EXAMPLES`` bounds how many inputs each target tries: a few thousand in CI, 100,000
or more for a recorded run (docs/reliability.md). Each target counts the inputs it really ran and
prints the figure, so the record is what happened, not what was asked.
"""

import os
from collections import Counter

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("COUNTERPART_FUZZ_EXAMPLES", "2000"))

fuzz_settings = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

inputs_tried: Counter[str] = Counter()
