"""The production settings with static files collected into the folder a test
names (STATIC_ROOT_FOR_TEST), for tests/config/test_static_files.py."""

import os

from config.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["STATIC_ROOT_FOR_TEST"]
