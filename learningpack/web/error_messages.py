"""What an error page (or a JSON error) says, per status, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    400: (
        _l("Forespørgslen kunne ikke behandles"),
        _l("Noget i forespørgslen var ikke, som det skulle være. Gå tilbage og prøv igen."),
    ),
    403: (
        _l("Du har ikke adgang til siden"),
        _l(
            "Din rolle giver ikke adgang til denne side. "
            "Kontakt din leder, hvis du mener, det er en fejl."
        ),
    ),
    404: (
        _l("Siden findes ikke"),
        _l("Vi kunne ikke finde siden. Måske er linket forældet, eller siden er flyttet."),
    ),
    405: (
        _l("Handlingen er ikke tilladt her"),
        _l("Siden kan ikke bruges på den måde. Gå tilbage og prøv igen."),
    ),
    413: (
        _l("Indholdet er for stort"),
        _l("Det, du sendte, fylder for meget. Gør teksten kortere, og prøv igen."),
    ),
    429: (
        _l("For mange forsøg"),
        _l("Der har været for mange forsøg på kort tid. Vent et kvarter, og prøv igen."),
    ),
    409: (
        _l("Ændringen blev ikke gemt"),
        _l(
            "En anden ændrede det samme i samme øjeblik, så intet af din ændring er gemt. "
            "Gå tilbage, genindlæs siden og prøv igen."
        ),
    ),
    503: (
        _l("Databasen svarede ikke"),
        _l(
            "Din ændring blev ikke gemt – heller ikke en del af den. Det, du tidligere har "
            "gemt, er ikke gået tabt. Prøv igen om lidt."
        ),
    ),
    500: (
        _l("Der skete en fejl hos os"),
        _l(
            "Det er ikke din skyld. Det, du allerede har gemt, er ikke gået tabt. "
            "Prøv igen om lidt."
        ),
    ),
}

CSRF_MESSAGE = _l(
    "Formularen var udløbet eller ufuldstændig, så den blev ikke gemt. "
    "Gå tilbage, genindlæs siden og send den igen."
)

# 503 while reading (a page, not a change): nothing was being saved.
DATABASE_DOWN_READING = _l(
    "Vi kan ikke hente siden lige nu, fordi databasen ikke svarer. Det, du har gemt, er ikke "
    "gået tabt. Prøv igen om lidt."
)
# 503 when the shared rate-limit storage is away: logins and other guarded steps wait.
LIMITS_DOWN = (
    _l("Log ind er midlertidigt lukket"),
    _l(
        "Vi kan ikke tjekke for gentagne forsøg lige nu, så af sikkerhedshensyn kan du ikke "
        "logge ind eller skifte adgangskode i øjeblikket. Prøv igen om lidt."
    ),
)
# Beside the request id on a plain-text error answer.
REQUEST_ID_LABEL = _l("Fejl-id")
