"""imr-checker: predict IMR outcomes for physical-medicine requests from MTUS/ODG rules."""

__version__ = "0.1.0"
