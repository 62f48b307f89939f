"""Static files on a council's servers: WhiteNoise serves them from STATIC_ROOT,
compressed, under names carrying a hash of their contents, so browsers may cache
them for a year and still fetch a changed file the day it is deployed.
https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites the paths in JavaScript modules' ``import ... from "..."`` lines
    to the hashed names (Django leaves this off by default). static/js/app.js
    imports govuk-frontend's module: without this its hashed copy would go on
    importing the unhashed file, which is cached for a short time only and could
    be a different release from the one the page's styles were built with."""

    support_js_module_import_aggregation = True
