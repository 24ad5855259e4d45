"""Writers (and, later, readers) for other formats; each writer returns bytes or plain data."""
