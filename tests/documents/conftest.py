"""Documents are tested with the bundled fonts only, so results do not depend on the machine."""

import pytest

from workstation.documents import FontSet, bundled_fonts


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return bundled_fonts()
