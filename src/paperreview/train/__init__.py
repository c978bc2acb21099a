"""LoRA / QLoRA / full supervised fine-tuning of a reviewer model (trl + peft), merge, export.

Importing this package does not import torch; the heavy work happens inside the functions.

>>> from paperreview.train import TrainConfig
>>> TrainConfig(data="d", base_model="m", output_dir="o").method
'lora'
"""

from .config import TrainConfig


def run_training(cfg, callbacks=None):
    """See :func:`paperreview.train.sft.run_training` (imported lazily)."""
    from .sft import run_training as _run

    return _run(cfg, callbacks)


__all__ = ["TrainConfig", "run_training"]
