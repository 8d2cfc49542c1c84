from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Lumbung")


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("dashboard")
