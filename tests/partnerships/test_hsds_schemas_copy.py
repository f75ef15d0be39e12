"""The HSDS schemas the tests use are a copy (tests/hsds_schema/README.md says why). Where the
workspace's shared copy is present, as in CI, ours must be identical to it."""

from pathlib import Path

import pytest

from tests.hsds import SCHEMA_DIR

SHARED = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"no shared HSDS schemas at {SHARED}")
def test_our_copy_of_the_hsds_schemas_is_the_shared_one():
    theirs = {
        p.name: p.read_bytes() for p in SHARED.iterdir() if p.is_file() and p.name != "README.md"
    }
    ours = {p.name: p.read_bytes() for p in SCHEMA_DIR.iterdir() if p.name in theirs}
    assert ours == theirs
