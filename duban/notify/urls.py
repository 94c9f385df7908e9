from django.urls import path

from duban.notify import views, views_channels, views_deliveries

urlpatterns = [
    path("", views.inbox, name="notify-inbox"),
    path("read/", views.mark_read, name="notify-mark-read"),
    path("<int:pk>/", views.open_notification, name="notify-open"),
    path("channels/", views_channels.my_channels, name="notify-channels"),
    path("channels/new/", views_channels.my_channel_create, name="notify-channel-create"),
    path("channels/<int:pk>/", views_channels.channel_detail, name="notify-channel"),
    path("channels/<int:pk>/delete/", views_channels.channel_delete, name="notify-channel-delete"),
    path("channels/<int:pk>/test/", views_channels.channel_test, name="notify-channel-test"),
    path("unit-channels/", views_channels.unit_index, name="notify-unit-index"),
    path("unit-channels/<int:unit_pk>/", views_channels.unit_channels, name="notify-unit-channels"),
    path(
        "unit-channels/<int:unit_pk>/new/",
        views_channels.unit_channel_create,
        name="notify-unit-channel-create",
    ),
    path("deliveries/", views_deliveries.delivery_list, name="notify-deliveries"),
    path("deliveries/<int:pk>/retry/", views_deliveries.delivery_retry, name="notify-delivery-retry"),
]
