from django.contrib.auth import views as auth_views
from django.urls import path

from counterpart.dashboard.views import portal_home

from . import views

app_name = "web"
urlpatterns = [
    path("", portal_home, name="home"),  # the public transparency portal (counterpart/dashboard)
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("app/", views.workbench, name="workbench"),
    path("programs/<slug:slug>/report/<int:year>/", views.program_report, name="program_report"),
]
