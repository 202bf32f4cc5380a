"""Help Center pages: the patient portal (guests welcome) and the staff back office."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core.http import BrandRequest
from hale.core.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from hale.helpcenter import access, actions
from hale.helpcenter.forms import ArticleForm
from hale.helpcenter.models import Article
from hale.tenancy.access import access_staff_brand

# --- Patient portal (brand host) --------------------------------------------------------------


@require_safe
def help_index(request: BrandRequest) -> HttpResponse:
    """Every published article in the reader's language, or the results of a search."""
    query = access.normalise_query(request.GET.get("q"))
    if query:
        articles = list(access.search_articles(request.brand, query))
    else:
        articles = list(
            access.published_articles(request.brand).defer("body_markdown", "body_html")
        )
    return render(
        request,
        "helpcenter/index.html",
        {
            "articles": articles,
            "query": query,
            "result_count": len(articles),
        },
    )


@require_safe
def help_article(request: BrandRequest, slug: str) -> HttpResponse:
    article = access.access_article(request.brand, slug)
    return render(request, "helpcenter/article.html", {"article": article})


# --- Staff back office (platform host) --------------------------------------------------------


def _list_url(brand) -> str:
    return reverse("staff_help_list", args=[brand.slug])


def _edit_url(article: Article) -> str:
    return reverse("staff_help_edit", args=[article.brand.slug, article.uuid])


def _preview_url(brand) -> str:
    return reverse("staff_help_preview", args=[brand.slug])


def _patient_url(request: HttpRequest, article: Article) -> str | None:
    """Where patients read the article: its brand's primary domain, on this server's port."""
    domain = article.brand.primary_domain
    if not domain:
        return None
    host = request.get_host()
    port = "" if host.endswith("]") or ":" not in host else ":" + host.rsplit(":", 1)[1]
    path = reverse("help_article", args=[article.slug], urlconf="hale.urls_brand")
    return f"{request.scheme}://{domain}{port}{path}"


def _back(request: HttpRequest, article: Article) -> str:
    """Publish and unpublish buttons live on the list and on the edit page; go back there."""
    return (
        _edit_url(article) if request.POST.get("return_to") == "edit" else _list_url(article.brand)
    )


def _article_values(form: ArticleForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "slug": data.get("slug") or "",
        "summary": data.get("summary") or "",
        "body_markdown": data["body_markdown"],
        "language": data.get("language") or "",
        "position": data["position"],
    }


def _initial(article: Article) -> dict:
    return {name: getattr(article, name) for name in actions.CONTENT_FIELDS}


@login_required
@require_safe
def staff_help_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    return render(
        request,
        "helpcenter/staff/list.html",
        {
            "managed_brand": brand,
            "articles": list(access.staff_articles(brand).defer("body_markdown", "body_html")),
        },
    )


def _is_preview(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("intent") == "preview"


def _preview_of(request: HttpRequest) -> str:
    return render_markdown(request.POST.get("body_markdown", "")[:MAX_MARKDOWN_LENGTH])


def _article_form(request: HttpRequest, brand, initial: dict | None = None) -> ArticleForm:
    """The bound form on a save; on a preview, the typed values without validation errors."""
    preview_url = _preview_url(brand)
    if _is_preview(request):
        return ArticleForm(initial=request.POST.dict(), preview_url=preview_url)
    return ArticleForm(request.POST or None, initial=initial, preview_url=preview_url)


@login_required
@require_http_methods(["GET", "POST"])
def staff_help_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = _article_form(request, brand)
    if form.is_bound and form.is_valid():
        try:
            article = actions.create_article(
                acting_user=request.user,
                brand=brand,
                publish=request.POST.get("intent") == "publish",
                **_article_values(form),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if article.is_published:
                messages.success(request, _("The article is published."))
            else:
                messages.success(request, _("The article is saved as a draft."))
            return redirect(_edit_url(article))
    return render(
        request,
        "helpcenter/staff/form.html",
        {
            "managed_brand": brand,
            "form": form,
            "article": None,
            "preview_html": _preview_of(request) if _is_preview(request) else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_help_edit(request: HttpRequest, brand_slug: str, article_id: uuid.UUID) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    article = access.access_staff_article(brand, article_id)
    form = _article_form(request, brand, initial=_initial(article))
    if form.is_bound and form.is_valid():
        try:
            article = actions.update_article(
                acting_user=request.user, article=article, **_article_values(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(_edit_url(article))
    return render(
        request,
        "helpcenter/staff/form.html",
        {
            "managed_brand": brand,
            "form": form,
            "article": article,
            "preview_html": _preview_of(request) if _is_preview(request) else article.body_html,
            "patient_url": _patient_url(request, article) if article.is_published else None,
        },
    )


@login_required
@require_POST
def staff_help_preview(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The rendered Markdown of the text being written (an htmx partial for the editor)."""
    access_staff_brand(request.user, brand_slug)
    return render(
        request, "helpcenter/staff/form.html#preview", {"preview_html": _preview_of(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_help_delete(request: HttpRequest, brand_slug: str, article_id: uuid.UUID) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    article = access.access_staff_article(brand, article_id)
    if request.method == "POST":
        actions.delete_article(acting_user=request.user, article=article)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": article.title})
        return redirect(_list_url(brand))
    return render(
        request,
        "helpcenter/staff/confirm_delete.html",
        {
            "managed_brand": brand,
            "article": article,
        },
    )


@login_required
@require_POST
def staff_help_publish(
    request: HttpRequest, brand_slug: str, article_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    article = access.access_staff_article(brand, article_id)
    actions.publish_article(acting_user=request.user, article=article)
    messages.success(request, _("“%(title)s” is published.") % {"title": article.title})
    return redirect(_back(request, article))


@login_required
@require_POST
def staff_help_unpublish(
    request: HttpRequest, brand_slug: str, article_id: uuid.UUID
) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    article = access.access_staff_article(brand, article_id)
    actions.unpublish_article(acting_user=request.user, article=article)
    messages.success(
        request, _("“%(title)s” is now a draft, hidden from patients.") % {"title": article.title}
    )
    return redirect(_back(request, article))
