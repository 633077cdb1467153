"""Demo data for Chorus: fictional but realistic residents' voices for the five seed places.

Plain Python, no Django: the demo loader calls `generate_voices` and stores what it returns.
"""

from chorus.demo.places import PLACE_FLAVOUR, PlaceFlavour
from chorus.demo.voices import TOPICS, Voice, generate_voices

__all__ = ["PLACE_FLAVOUR", "TOPICS", "PlaceFlavour", "Voice", "generate_voices"]
