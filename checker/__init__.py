"""imr-checker: predict IMR outcomes for California workers' compensation treatment requests from MTUS/ODG rules."""

__version__ = "0.1.0"
