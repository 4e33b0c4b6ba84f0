"""picket's pipeline: understand, store and alert on news of tech workers' collective action."""

__version__ = "0.1.0"
