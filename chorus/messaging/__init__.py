"""Messages to residents through outside services (GOV.UK Notify). No Django."""
