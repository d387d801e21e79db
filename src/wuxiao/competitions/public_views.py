from django.shortcuts import render


def home(request):
    return render(request, "competitions/public_home.html")
