import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Each ASGI request may run on a thread of its own, and a connection kept by a
# thread that never serves another request is never closed: Django's advice is
# not to keep connections under ASGI.
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
os.environ["CONN_MAX_AGE"] = "0"
application = get_asgi_application()
