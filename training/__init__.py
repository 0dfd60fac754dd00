"""Training, evaluation and model cards for the denoiser (see ../shared/DESIGN.md)."""
