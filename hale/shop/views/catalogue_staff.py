"""The brand's catalogue in the back office (/staff/brands/<slug>/shop/products/): the
products table with search and a category filter, creating and editing products with their
pictures, archiving, and the catalogue as CSV (export and import). The pages exist only for
staff of the brand and only when its plan includes the shop; anything else answers 404."""

import copy
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core import audit
from hale.core.access import Denied
from hale.core.uploads import UploadRejected, delete_upload, serve_upload, store_upload
from hale.shop import access, catalogue_actions, catalogue_csv
from hale.shop.catalogue_actions import ProductValues, StaleProduct
from hale.shop.errors import ShopError
from hale.shop.forms_catalogue import ImportForm, ProductForm, ProductImageForm
from hale.shop.models import Product, ProductImage
from hale.tenancy.access import require_plan_feature
from hale.tenancy.models import PlanFeature

PER_PAGE = 50


def _brand(request: HttpRequest, brand_slug: str):
    brand = access.staff_brand(request.user, brand_slug)
    require_plan_feature(brand, PlanFeature.SHOP)
    return brand


@login_required
@require_safe
def product_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = _brand(request, brand_slug)
    query = request.GET.get("q", "").strip()[:100]
    category = access.access_category(brand, request.GET.get("category"))
    products = access.staff_products(brand).prefetch_related(None)
    if query:
        products = products.filter(Q(name__icontains=query) | Q(sku__icontains=query))
    if category is not None:
        products = products.filter(category=category)
    page = Paginator(products, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "shop/staff/products/list.html",
        {
            "managed_brand": brand,
            "page": page,
            "products": page.object_list,
            "query": query,
            "category": category,
            "categories": list(access.categories(brand)),
        },
    )


def _form_page(
    request: HttpRequest,
    brand,
    form: ProductForm,
    product: Product | None,
    *,
    image_form: ProductImageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"managed_brand": brand, "form": form, "product": product}
    if product is not None:
        context["images"] = list(product.images.all())
        context["image_form"] = image_form or ProductImageForm(
            policy=brand.upload_policy(), prefix="image"
        )
        context["max_images"] = catalogue_actions.MAX_IMAGES
    return render(request, "shop/staff/products/form.html", context, status=status)


def _save(request: HttpRequest, brand, product: Product | None) -> HttpResponse:
    """The product form (new when ``product`` is None), saved on a valid POST."""
    # The form works on a copy: an invalid submission must not show as the product's state.
    instance = copy.copy(product) if product is not None else None
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, brand=brand, instance=instance)
    if request.method != "POST":
        return _form_page(request, brand, form, product)
    if form.is_valid():
        try:
            saved = catalogue_actions.save_product(
                brand=brand,
                values=ProductValues(**form.values()),
                acting_user=request.user,
                product=product,
                version=form.cleaned_data.get("version", ""),
            )
        except StaleProduct as exc:
            messages.error(request, str(exc.message))
            return redirect(request.path)
        except ShopError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Product saved."))
            return redirect("staff_shop_product", brand.slug, saved.uuid)
    return _form_page(request, brand, form, product, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_new(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return _save(request, _brand(request, brand_slug), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_edit(request: HttpRequest, brand_slug: str, product_id: uuid.UUID) -> HttpResponse:
    brand = _brand(request, brand_slug)
    return _save(request, brand, access.access_staff_product(brand, product_id))


@login_required
@require_POST
def product_archive(request: HttpRequest, brand_slug: str, product_id: uuid.UUID) -> HttpResponse:
    brand = _brand(request, brand_slug)
    product = access.access_staff_product(brand, product_id)
    catalogue_actions.archive_product(product=product, acting_user=request.user)
    messages.success(
        request,
        _("%(name)s is archived: it is no longer in the catalogue or the shop.")
        % {"name": product.name},
    )
    return redirect("staff_shop_products", brand.slug)


@login_required
@require_POST
def image_add(request: HttpRequest, brand_slug: str, product_id: uuid.UUID) -> HttpResponse:
    brand = _brand(request, brand_slug)
    product = access.access_staff_product(brand, product_id)
    policy = brand.upload_policy()
    form = ProductImageForm(request.POST, request.FILES, policy=policy, prefix="image")
    if form.is_valid():
        try:
            upload = store_upload(
                file=form.cleaned_data["file"],
                policy=policy,
                uploaded_by=request.user,
                brand=brand,
            )
        except UploadRejected as exc:
            form.add_error("file", exc)
        else:
            try:
                catalogue_actions.add_product_image(
                    product=product,
                    upload=upload,
                    alt=form.cleaned_data["alt"],
                    acting_user=request.user,
                )
            except ShopError as exc:
                delete_upload(upload=upload)
                form.add_error("file", str(exc.message))
            else:
                messages.success(request, _("Picture added."))
                return redirect("staff_shop_product", brand.slug, product.uuid)
    return _form_page(
        request,
        brand,
        ProductForm(brand=brand, instance=copy.copy(product)),
        product,
        image_form=form,
        status=400,
    )


@login_required
@require_POST
def image_remove(
    request: HttpRequest, brand_slug: str, product_id: uuid.UUID, image_id: int
) -> HttpResponse:
    brand = _brand(request, brand_slug)
    product = access.access_staff_product(brand, product_id)
    image = (
        ProductImage.objects.select_related("upload", "product__brand")
        .filter(product=product, pk=image_id)
        .first()
    )
    if image is None:
        raise Denied(ProductImage, image_id)
    catalogue_actions.remove_product_image(image=image, acting_user=request.user)
    messages.success(request, _("Picture removed."))
    return redirect("staff_shop_product", brand.slug, product.uuid)


@login_required
@require_safe
def image(request: HttpRequest, brand_slug: str, image_id: int) -> HttpResponse:
    brand = _brand(request, brand_slug)
    return serve_upload(request, access.image_of(brand, image_id, staff=True).upload, inline=True)


@login_required
@require_safe
def export_csv(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = _brand(request, brand_slug)
    audit.record(request.user, "shop.catalogue_exported", brand, brand=brand)
    return catalogue_csv.export_response(
        brand, access.staff_products(brand).prefetch_related(None).order_by("sku")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_csv(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = _brand(request, brand_slug)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    errors: list[str] = []
    if posted and form.is_valid():
        parsed = catalogue_csv.read_catalogue(form.cleaned_data["file"], brand=brand)
        errors = parsed.errors
        if not errors:
            try:
                result = catalogue_actions.import_catalogue(
                    brand=brand, rows=parsed.rows, columns=parsed.fields, acting_user=request.user
                )
            except ShopError as exc:
                errors = [str(exc.message)]
            else:
                done = _("%(created)s created, %(updated)s updated.") % {
                    "created": result.created,
                    "updated": result.updated,
                }
                if result.unchanged:
                    done += " " + _("%(count)s already up to date.") % {"count": result.unchanged}
                messages.success(request, done)
                return redirect("staff_shop_products", brand.slug)
    return render(
        request,
        "shop/staff/products/import.html",
        {
            "managed_brand": brand,
            "form": form,
            "errors": errors,
            "columns": catalogue_csv.COLUMNS,
        },
        status=400 if errors or form.errors else 200,
    )


# Under /staff/brands/<slug:brand_slug>/ (``hale.shop.urls``).
urlpatterns = [
    path("shop/products/", product_list, name="staff_shop_products"),
    path("shop/products/new/", product_new, name="staff_shop_product_new"),
    path("shop/products/export.csv", export_csv, name="staff_shop_products_export"),
    path("shop/products/import/", import_csv, name="staff_shop_products_import"),
    path("shop/products/<uuid:product_id>/", product_edit, name="staff_shop_product"),
    path(
        "shop/products/<uuid:product_id>/archive/",
        product_archive,
        name="staff_shop_product_archive",
    ),
    path("shop/products/<uuid:product_id>/images/", image_add, name="staff_shop_product_images"),
    path(
        "shop/products/<uuid:product_id>/images/<int:image_id>/remove/",
        image_remove,
        name="staff_shop_product_image_remove",
    ),
    path("shop/images/<int:image_id>/", image, name="staff_shop_image"),
]
