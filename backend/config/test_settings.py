"""Settings for the test suite: production settings plus a throwaway SECRET_KEY (DEBUG stays off)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("CLOUDTALLY_DATA_DIR", "/tmp/cloudtally-test-data")  # noqa: S108

from config.settings import *  # noqa: F403

# Fast hashing in tests only: the default PBKDF2 makes every test user cost ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
