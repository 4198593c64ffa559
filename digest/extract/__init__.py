"""Normalization: a capture's bytes become a NormalizedArticle (decoding, text and HTML extraction, fields)."""
