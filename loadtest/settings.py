"""The production settings, as the load test (``scripts/loadtest.py``) runs them.

Only one thing differs: static files are collected into the run's own folder
(LOADTEST_STATIC_ROOT), so a run never writes over the ``staticfiles`` folder a
deployment on the same machine serves. Everything else, plain HTTP on loopback
included, is the production settings read from the environment the driver sets.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import env

STATIC_ROOT = env.path("LOADTEST_STATIC_ROOT")
