from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app, so its operational commands (backup, restore) are found."""

    name = "config"
    label = "config"
    verbose_name = "Cloudtally project"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from config import pg_loaders

        connection_created.connect(pg_loaders.install, dispatch_uid="cloudtally-fast-timestamptz")
