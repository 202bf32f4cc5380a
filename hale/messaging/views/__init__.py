"""Messaging views, one module per portal over the shared pages in ``common``."""
