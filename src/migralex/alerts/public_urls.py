"""Routes without a language prefix: links that mail clients and feed readers follow as they
are (RFC 8058 one-click unsubscribe posts to the exact URL of the header; a feed URL must not
redirect by browser language)."""

app_name = "alerts_public"
urlpatterns: list = []
