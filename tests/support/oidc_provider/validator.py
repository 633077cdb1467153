from oauth2_provider.oauth2_validators import OAuth2Validator


class RolesValidator(OAuth2Validator):
    """Name, email and app roles (the user's groups here) in the ID token and userinfo, as Entra ID sends."""

    oidc_claim_scope = None  # every claim below, whatever the scope

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "name": user.get_full_name(),
            "preferred_username": user.username,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        }
