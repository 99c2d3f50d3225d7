from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lastmile.documents"
    label = "documents"
    verbose_name = "法律文书"
