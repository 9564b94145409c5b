"""Data files shipped with rashomon: tables, lexicons and the trained judge."""
