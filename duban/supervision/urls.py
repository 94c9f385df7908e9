from django.urls import path

from duban.supervision import views

urlpatterns = [
    path("supervision/", views.dashboard, name="supervision-dashboard"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/new/", views.notice_new, name="notice-new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice-close"),
    path("notices/<int:pk>/document.docx", views.notice_download, name="notice-docx"),
    path("notices/<int:pk>/files/<int:att_pk>/", views.notice_attachment, name="notice-attachment"),
    path("extensions/", views.extension_list, name="extension-list"),
    path("assignments/<int:assignment_pk>/extend/", views.extension_new, name="extension-new"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/new/", views.problem_new, name="problem-new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("reminders/", views.reminder_list, name="reminder-list"),
    path("reminders/settings/", views.reminder_preference, name="reminder-preference"),
    path("plans/<int:plan_pk>/supervision-rules/", views.plan_rules, name="plan-rules"),
]
