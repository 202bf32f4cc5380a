"""URLs of the shop: patient pages on brand hosts (only where the brand's plan includes the
shop and orders), the brand's back office under /staff/brands/<slug>/shop/."""

from django.urls import path

from hale.shop.views import catalogue_staff, orders_staff, patient

patient_urlpatterns = [
    path("shop/", patient.product_list, name="shop_products"),
    path("shop/products/<uuid:product_id>/", patient.product_detail, name="shop_product"),
    path("shop/images/<int:image_id>/", patient.product_image, name="shop_image"),
    path("shop/cart/", patient.cart, name="shop_cart"),
    path("shop/cart/add/<uuid:product_id>/", patient.cart_add, name="shop_cart_add"),
    path("shop/cart/items/<int:item_id>/", patient.cart_update, name="shop_cart_update"),
    path("shop/cart/items/<int:item_id>/remove/", patient.cart_remove, name="shop_cart_remove"),
    path("shop/cart/clear/", patient.cart_clear, name="shop_cart_clear"),
    path("shop/cart/accept/", patient.cart_accept, name="shop_cart_accept"),
    path("shop/checkout/", patient.checkout, name="shop_checkout"),
    path("orders/", patient.order_list, name="shop_orders"),
    path("orders/<uuid:order_id>/", patient.order_detail, name="shop_order"),
    path("orders/<uuid:order_id>/pay/", patient.order_pay, name="shop_order_pay"),
    path("orders/<uuid:order_id>/return/", patient.order_return, name="shop_order_return"),
    path("orders/<uuid:order_id>/cancel/", patient.order_cancel, name="shop_order_cancel"),
    path("orders/<uuid:order_id>/invoice.pdf", patient.invoice_pdf, name="shop_order_invoice"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    *catalogue_staff.urlpatterns,
    path("shop/orders/", orders_staff.order_list, name="staff_shop_orders"),
    path("shop/orders/<uuid:order_id>/", orders_staff.order_detail, name="staff_shop_order"),
    path(
        "shop/orders/<uuid:order_id>/approve/",
        orders_staff.approve,
        name="staff_shop_order_approve",
    ),
    path(
        "shop/orders/<uuid:order_id>/decline/",
        orders_staff.decline,
        name="staff_shop_order_decline",
    ),
    path(
        "shop/orders/<uuid:order_id>/status/",
        orders_staff.set_status,
        name="staff_shop_order_status",
    ),
    path(
        "shop/orders/<uuid:order_id>/cancel/", orders_staff.cancel, name="staff_shop_order_cancel"
    ),
    path(
        "shop/orders/<uuid:order_id>/invoice.pdf",
        orders_staff.invoice_pdf,
        name="staff_shop_order_invoice",
    ),
]
