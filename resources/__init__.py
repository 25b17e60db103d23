"""Icons, fonts and the style sheet, installed as the package `rxdesk_resources`
and found with importlib.resources.files("rxdesk_resources")."""
