"""Writers for other formats (Word, Excel, JSON): each takes plain data and returns bytes."""
