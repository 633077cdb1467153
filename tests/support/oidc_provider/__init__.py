"""An OpenID Connect provider for the single sign-on tests: django-oauth-toolkit, run in its own process
(its own Django settings and database), as an organisation's Microsoft Entra ID or Keycloak would be."""
