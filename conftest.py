"""Project-wide pytest setup: fast password hashing, an isolated var/ dir, no network."""

import os
import tempfile

import pytest

os.environ.setdefault("DUBAN_VAR_DIR", tempfile.mkdtemp(prefix="duban-test-var-"))


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = os.path.join(os.environ["DUBAN_VAR_DIR"], "media")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_security_policy():
    # The policy is cached per process for a few seconds; a test must not see another test's policy.
    from duban.org.policy import forget_policy

    forget_policy()
    yield
    forget_policy()
