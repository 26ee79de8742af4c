"""Teachers and pedagogues: the school's open module and their own actions."""
