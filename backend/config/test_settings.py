"""Settings for the test suite: production settings plus a throwaway SECRET_KEY (DEBUG stays off)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("CLOUDTALLY_DATA_DIR", "/tmp/cloudtally-test-data")  # noqa: S108

from config.settings import *  # noqa: F403
