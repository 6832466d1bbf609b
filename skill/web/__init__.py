"""The self-hosted HTTPS endpoint: Flask app and Alexa request verification."""
