"""The reports count implemented projects only: the shared proposal is approved here before it is counted."""

import pytest

from counterpart.projects.services import project_approve


@pytest.fixture
def project(project, actor):
    return project_approve(actor=actor, project=project)
