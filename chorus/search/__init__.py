"""Search over contributions' meaning at scale: an approximate nearest-neighbour index (ann.py)."""
