"""Routes of a survey's results (shares, breakdowns, exports, the paragraph), in the `surveys` namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
