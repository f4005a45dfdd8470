from django.urls import path  # noqa: F401 - patterns are added as views arrive

urlpatterns: list = []
