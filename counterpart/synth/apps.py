from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "counterpart.synth"
    label = "synth"
    verbose_name = "合成数据 Synthetic data"
