from django.apps import AppConfig


class TrialConfig(AppConfig):
    name = "lastmile.trial"
    label = "trial"
    verbose_name = "批量审理"

    def ready(self) -> None:
        # Service (below trial) asks which procedure a 民初 case is in before a public notice
        # (民诉解释 2022 art. 140); trial answers through the port service owns.
        from lastmile.service.procedure import procedure_reader_register

        from .selectors import procedure_of_case

        procedure_reader_register("民初", procedure_of_case)
