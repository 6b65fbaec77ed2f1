from assets.tests.conftest import estate  # noqa: F401 - the same seven-asset estate
