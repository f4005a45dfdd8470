from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "is_ai_office_staff": bool(user and user.is_authenticated and user.is_ai_office_staff),
        "eulogin_enabled": bool(settings.EULOGIN_CLIENT_ID),
    }
