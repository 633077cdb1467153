"""The Django project: settings, URLs, WSGI. Apps live in chorus/apps/."""
