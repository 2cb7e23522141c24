from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        # programs sits below documents and cannot import it: it announces every plan change
        # with a domain signal, and the handout is made again for the new version.
        from programs.signals import plan_version_recorded

        # tasks: registers the render task, which services queue by name (clinic.celery).
        from . import tasks  # noqa: F401
        from .receivers import handout_follow_plan

        plan_version_recorded.connect(handout_follow_plan, dispatch_uid="documents-handout")
