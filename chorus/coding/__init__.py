"""Thematic coding: embeddings, classifiers, zero-shot coding, sentiment, codebooks and agreement.

Plain Python (no Django) so an analyst can use it in a notebook. Modules load their models lazily:
importing `chorus.coding` costs nothing.
"""
