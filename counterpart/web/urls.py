from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programs/<slug:slug>/report/<int:year>/", views.program_report, name="program_report"),
]
