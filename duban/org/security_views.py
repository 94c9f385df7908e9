"""The security admin's page (安全管理员): password rules, session timeout, lockout, locked accounts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org import services
from duban.org.access import require_user_manager
from duban.org.models import LoginThrottle, SecurityPolicy, User
from duban.org.policy import POLICY_FIELDS, get_policy


class SecurityPolicyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SecurityPolicy
        fields = POLICY_FIELDS


@login_required
@require_http_methods(["GET", "POST"])
def security_policy(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_user_manager(request.user)
    policy = get_policy()
    form = SecurityPolicyForm(request.POST or None, instance=policy, initial={"version": policy.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.security_policy_update(
                actor=request.user,
                version=d["version"] if policy.pk else None,
                values={k: d[k] for k in POLICY_FIELDS},
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Security policy saved."))
            return redirect("security-policy")
    now = timezone.now()
    ctx = {
        "form": form,
        "policy": policy,
        "locked_users": User.objects.filter(locked_until__gt=now).order_by("username"),
        "locked_names": LoginThrottle.objects.filter(locked_until__gt=now).count(),
        "must_change": User.objects.filter(is_active=True, must_change_password=True).count(),
    }
    return render(request, "org/security_policy.html", ctx)
