"""The production entry point for gunicorn: `gunicorn --config deploy/gunicorn.conf.py 'skill.web.wsgi:app'` (README).

Configuration comes from the environment (`skill.web.app.SETTINGS`); every log record is a JSON line.
"""

from skill.alexa.request_log import configure_json_logging
from skill.web.app import create_app

configure_json_logging()
app = create_app()
