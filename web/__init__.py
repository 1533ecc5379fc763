"""Sif's outer layer: the command line now, the Flask application later."""
