from django.urls import path

from criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.criteria_list, name="list"),
    path("upload/", views.criteria_upload, name="upload"),
    path("<int:pk>/", views.criteria_detail, name="detail"),
    path("<int:pk>/preview/", views.criteria_preview, name="preview"),
    path("<int:pk>/paper/", views.criteria_paper, name="paper"),
    path("<int:pk>/export/<str:file_format>/", views.criteria_export, name="export"),
    path("<int:pk>/diff/<int:other>/", views.criteria_diff, name="diff"),
    path("<int:pk>/publish/", views.criteria_publish, name="publish"),
    path("<int:pk>/retire/", views.criteria_retire, name="retire"),
    path("<int:pk>/new-version/", views.criteria_new_version, name="new_version"),
]
