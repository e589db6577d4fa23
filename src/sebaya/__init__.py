"""Sebaya: peer-to-peer learning between Indonesian local governments."""

__version__ = "0.1.0"
