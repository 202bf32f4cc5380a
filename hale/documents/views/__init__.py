"""Documents views, one module per portal."""
