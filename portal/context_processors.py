from .roles import role_of


def role(request):
    """Expose the signed-in user's role to every template (menus differ by role)."""
    return {"user_role": role_of(request.user) if request.user.is_authenticated else None}
