"""What leaves the app: tables (CSV/XLSX), charts, labels, mail, files."""
