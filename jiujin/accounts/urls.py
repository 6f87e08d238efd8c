from django.contrib.auth import views as auth_views
from django.urls import path

from jiujin.core.access import PUBLIC, access

from . import views
from .forms import LoginForm

urlpatterns = [
    path(
        "login/",
        access(PUBLIC)(
            auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm)
        ),
        name="login",
    ),
    path("logout/", access(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
    path("tokens/", views.token_list, name="account_tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="account_token_revoke"),
    path("lockouts/", views.lockout_list, name="account_lockouts"),
    path("lockouts/unlock/", views.lockout_unlock, name="account_lockout_unlock"),
]
