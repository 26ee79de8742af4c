"""Operations: demo and national seeds, backups."""
