"""Public pages of incidents and objections: the objection form and the use case's public notes.

Only what the public may see: the plain-language notes the board published, and counts of
objections. Never the content of an incident or an objection.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from incidents import selectors, services
from incidents.forms import ObjectionForm, form_token
from registry.public import selectors as public_selectors
from registry.public.views import limit_mail_posts


@require_http_methods(["GET", "POST"])
@limit_mail_posts
def objection_form(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """Object to a published use case or ask for a human review, online."""
    record = public_selectors.access_published_use_case(use_case_id)
    limited = getattr(request, "limited", False)
    form = ObjectionForm(request.POST or None, use_case_id=use_case_id)
    if request.method == "POST" and not limited and form.is_valid():
        data = form.cleaned_data
        objection = services.submit_objection(
            record.use_case,
            contact={key: data[key] for key in ("statement", "name", "email", "postal_address")},
            consent=data["consent"],
        )
        messages.success(
            request,
            _("Ihr Widerspruch ist eingegangen. Ihr Aktenzeichen: %(number)s")
            % {"number": objection.case_number},
        )
        return redirect(reverse("incidents:objection_received", args=[use_case_id]))
    if request.method == "GET" or not form.is_bound:
        form = ObjectionForm(initial={"token": form_token(use_case_id)}, use_case_id=use_case_id)
    else:
        # A fresh token, so that a corrected form can be sent again.
        data = request.POST.copy()
        data["token"] = form_token(use_case_id)
        form.data = data
    status = 429 if limited else 400 if request.method == "POST" else 200
    response = render(
        request,
        "incidents/objection_form.html",
        {"record": record, "form": form, "limited": limited},
        status=status,
    )
    add_never_cache_headers(response)
    return response


@require_GET
def objection_received(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """The confirmation after the form (the case number is in the message)."""
    record = public_selectors.access_published_use_case(use_case_id)
    response = render(request, "incidents/objection_received.html", {"record": record})
    add_never_cache_headers(response)
    return response


@require_GET
def use_case_reports(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """Published incident notes and objection counts of a published use case."""
    record = public_selectors.access_published_use_case(use_case_id)
    counts = selectors.objection_counts([use_case_id]).get(
        use_case_id, {"received": 0, "decided": 0, "changed": 0}
    )
    response = render(
        request,
        "incidents/use_case_reports.html",
        {"record": record, "notes": selectors.published_notes(use_case_id), "counts": counts},
    )
    add_never_cache_headers(response)
    return response
