from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("app/programs/<slug:slug>/", views.dashboard_latest, name="dashboard_latest"),
    path("app/programs/<slug:slug>/<int:year>/", views.dashboard, name="dashboard"),
    path("app/programs/<slug:slug>/<int:year>/data.json", views.dashboard_data, name="dashboard_data"),
    path("app/programs/<slug:slug>/<int:year>/map.geojson", views.dashboard_map, name="dashboard_map"),
    path("public/programs/<slug:slug>/", views.portal_program_latest, name="portal_program_latest"),
    path("public/programs/<slug:slug>/<int:year>/", views.portal_program, name="portal_program"),
    path("public/programs/<slug:slug>/<int:year>/data.json", views.portal_data, name="portal_data"),
    path("public/programs/<slug:slug>/<int:year>/map.geojson", views.portal_map, name="portal_map"),
    path("public/programs/<slug:slug>/<int:year>/projects/", views.portal_projects, name="portal_projects"),
    path("public/programs/<slug:slug>/projects/<str:code>/", views.portal_project, name="portal_project"),
]
