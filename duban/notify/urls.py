from django.urls import path

from duban.notify import views

urlpatterns = [
    path("", views.inbox, name="notify-inbox"),
    path("read/", views.mark_read, name="notify-mark-read"),
    path("<int:pk>/", views.open_notification, name="notify-open"),
]
