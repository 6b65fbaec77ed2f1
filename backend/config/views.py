from django.http import JsonResponse


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=404)
