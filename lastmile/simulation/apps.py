from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "lastmile.simulation"
    label = "simulation"
    verbose_name = "法院年度模拟"
