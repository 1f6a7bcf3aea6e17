"""Sen: the software for Vietnam's national blockchain infrastructure."""

__version__ = "0.1.0"
