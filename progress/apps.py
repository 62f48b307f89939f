from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Progress views"

    def ready(self):
        # The dashboard is refreshed when the records it counts change; progress
        # reads the other apps' models, never the other way round.
        from . import signals

        signals.connect()
