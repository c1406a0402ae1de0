from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.my_exports, name="list"),
    path("status/", views.status, name="status"),
    path("new/<slug:round_code>/", views.request_page, name="request"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
