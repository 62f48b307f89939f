"""The load test: locust's simulated people (locustfile.py) and the settings the
driver, ``scripts/loadtest.py``, runs the service with."""
