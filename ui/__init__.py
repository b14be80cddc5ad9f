"""PySide6 windows, models and dialogs. Shows and asks; the core decides and stores."""
