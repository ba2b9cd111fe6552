def register(router):
    """Register this app's resources on the /api/v1/ router."""
