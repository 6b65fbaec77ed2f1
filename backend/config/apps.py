from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app, so its operational commands (backup, restore) are found."""

    name = "config"
    label = "config"
    verbose_name = "Cloudtally project"
