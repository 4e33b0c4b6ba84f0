"""Kibana saved objects for picket's story index, and ``picket kibana setup`` to import them."""
