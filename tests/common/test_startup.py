"""What a web process does after start-up (bridging.wsgi and the benchmark call it)."""

import gc

from common.startup import settle


def test_settle_puts_what_start_up_built_out_of_the_collectors_reach():
    try:
        settle()
        # A full collection now walks only what was made after start-up.
        assert gc.get_freeze_count() > 10 * len(gc.get_objects())
    finally:
        gc.unfreeze()
