"""Response headers Django has no setting for.

Permissions-Policy switches off the browser features this service never uses, so
that nothing running in one of its pages (a script that got past the Content
Security Policy, say) can ask for the camera, the microphone, the person's location
and the like. Django's SecurityMiddleware and django-csp send the other security headers;
the settings in config/settings/base.py say which.
https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy
"""

# Each feature allowed to no origin at all, this one included: "()" is the empty
# allowlist. Only features browsers recognise are named, since Chromium reports
# every unknown one in the console of every page.
DISABLED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none.

    Listed before WhiteNoise, so static files carry it as pages do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
