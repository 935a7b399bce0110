from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

validate_ags = RegexValidator(
    regex=r"^\d{8}\Z",
    message=_("Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern."),
    code="invalid_ags",
)
