"""A school's data export (ZIP of CSVs) for its leader and for PUF."""
