"""A small offline news site bundled with picket, and the server that serves it for demos."""
